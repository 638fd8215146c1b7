import { describe, expect, it } from 'vitest';
import { connectionCaps, FALLBACK_OPEN_FILES, parseOpenFilesLimit, readOpenFilesLimit } from './open-files.js';

/** /proc/self/limits of a Node process in a container started with --ulimit nofile=65536:65536. */
const PROC_LIMITS = `Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max file size             unlimited            unlimited            bytes     
Max data size             unlimited            unlimited            bytes     
Max stack size            8388608              unlimited            bytes     
Max core file size        0                    unlimited            bytes     
Max resident set          unlimited            unlimited            bytes     
Max processes             96365                96365                processes 
Max open files            65536                65536                files     
Max locked memory         8388608              8388608              bytes     
Max address space         unlimited            unlimited            bytes     
Max file locks            unlimited            unlimited            locks     
Max pending signals       96365                96365                signals   
Max msgqueue size         819200               819200               bytes     
Max nice priority         0                    0                    
Max realtime priority     0                    0                    
Max realtime timeout      unlimited            unlimited            us        
`;

describe('parseOpenFilesLimit', () => {
  it('reads the soft limit of "Max open files"', () => {
    expect(parseOpenFilesLimit(PROC_LIMITS)).toBe(65_536);
    expect(parseOpenFilesLimit(PROC_LIMITS.replace('65536                65536', '1024                 524288'))).toBe(
      1024,
    );
  });

  it('gives up on text without a number there', () => {
    expect(parseOpenFilesLimit('')).toBeUndefined();
    expect(parseOpenFilesLimit(PROC_LIMITS.replace(/^Max open files.*$/m, ''))).toBeUndefined();
    expect(
      parseOpenFilesLimit(PROC_LIMITS.replace('65536                65536', 'unlimited unlimited')),
    ).toBeUndefined();
    expect(
      parseOpenFilesLimit('Max open files            0                    0                    files'),
    ).toBeUndefined();
  });
});

describe('readOpenFilesLimit', () => {
  it('reads /proc on Linux', () => {
    expect(readOpenFilesLimit('linux', () => PROC_LIMITS)).toEqual({ limit: 65_536, source: 'proc' });
  });

  it('assumes a safe default elsewhere, or when /proc cannot be read or parsed', () => {
    const fallback = { limit: FALLBACK_OPEN_FILES, source: 'fallback' };
    const unread = () => {
      throw new Error('must not be read');
    };
    expect(readOpenFilesLimit('darwin', unread)).toEqual(fallback);
    expect(readOpenFilesLimit('win32', unread)).toEqual(fallback);
    expect(
      readOpenFilesLimit('linux', () => {
        throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      }),
    ).toEqual(fallback);
    expect(readOpenFilesLimit('linux', () => 'garbage')).toEqual(fallback);
  });

  it('reads this process’s own limit here', () => {
    const own = readOpenFilesLimit();
    expect(own.limit).toBeGreaterThan(0);
    if (process.platform === 'linux') expect(own.source).toBe('proc');
  });
});

describe('connectionCaps', () => {
  it.each([
    // limit, streams, connections
    [65_536, 58_982, 64_225],
    [20_000, 18_000, 19_600],
    [1024, 768, 960],
    [256, 64, 192],
  ])('for %i open files: %i streams, %i connections', (limit, maxStreams, maxConnections) => {
    expect(connectionCaps(limit)).toEqual({ maxStreams, maxConnections });
  });

  it('always leaves room below the limit, and room for requests beside the streams', () => {
    for (const limit of [100, 256, 1000, 1024, 4096, 10_000, 20_000, 65_536, 1_048_576]) {
      const { maxStreams, maxConnections } = connectionCaps(limit);
      expect(maxConnections, String(limit)).toBeLessThan(limit);
      expect(maxStreams, String(limit)).toBeLessThan(maxConnections);
      expect(limit - maxStreams, String(limit)).toBeGreaterThanOrEqual(Math.min(256, limit * 0.75));
    }
  });
});
