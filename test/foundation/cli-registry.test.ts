import { describe, expect, test } from '@jest/globals';
import { commands } from '../../bin/commands/index.js';

describe('CLI command registry', () => {
  test.each(commands.map((entry) => [entry.name, entry] as const))(
    'the entry for "%s" says what its module says',
    async (_name, entry) => {
      const command = await entry.load();

      expect({ name: command.name, usage: command.usage, summary: command.summary }).toEqual({
        name: entry.name,
        usage: entry.usage,
        summary: entry.summary,
      });
    },
  );

  test('command names are unique', () => {
    const names = commands.map((entry) => entry.name);

    expect(new Set(names).size).toBe(names.length);
  });
});
