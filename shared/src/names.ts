/**
 * Names nobody may register, ignoring case: they look like the service speaking, or like
 * values of the code rather than a person. Players who already have one keep it.
 */
export const RESERVED_NAMES: readonly string[] = [
  'admin',
  'administrator',
  'root',
  'system',
  'sysadmin',
  'superuser',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'prototype',
  'anonymous',
  'moderator',
  'support',
  'staff',
  'official',
  'api',
  'computer',
];

const reserved = new Set(RESERVED_NAMES);

export const RESERVED_NAME_RULE = 'This name is reserved; choose another';

/** Whether a new player may not take this name (any case). */
export function isReservedName(name: string): boolean {
  return reserved.has(name.toLowerCase());
}
