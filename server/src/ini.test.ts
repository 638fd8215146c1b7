import { describe, expect, it } from 'vitest';
import { IniSyntaxError, parseIni } from './ini.js';

describe('parseIni', () => {
  it('reads sections and settings, skipping blank lines and comments', () => {
    const ini = parseIni(
      '\uFEFF; comment\r\n# another\r\n[DynamoDB]\r\n  Region = us-east-1  \r\n\r\nendpoint=http://localhost:8000/\r\n[flask]\r\nsecret_key = a=b;c#d\r\nempty =\r\n',
    );
    expect(ini).toEqual({
      dynamodb: { region: 'us-east-1', endpoint: 'http://localhost:8000/' },
      flask: { secret_key: 'a=b;c#d', empty: '' },
    });
  });

  it('merges a section that appears twice, the later value winning', () => {
    expect(parseIni('[a]\nx=1\ny=2\n[b]\n[a]\nx=3')).toEqual({ a: { x: '3', y: '2' }, b: {} });
  });

  it.each([
    ['a setting before any section', 'region = us-east-1', 1],
    ['a line that is not a setting', '[dynamodb]\nregion us-east-1', 2],
    ['a setting without a name', '[dynamodb]\n= value', 2],
    ['a section without a name', '[dynamodb]\nregion=x\n[ ]', 3],
    ['an unclosed section', '[dynamodb', 1],
  ])('refuses %s, naming the line', (_, source, line) => {
    expect(() => parseIni(source)).toThrow(IniSyntaxError);
    expect(() => parseIni(source)).toThrow(`line ${line}:`);
  });
});
