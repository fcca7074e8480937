import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, buildProgram, main } from './main.ts';
import type { CliIo } from './io.ts';

function capture(): CliIo & { readonly text: () => string } {
  let text = '';
  return { out: (s: string) => void (text += s), err: (s: string) => void (text += s), cwd: process.cwd(), text: () => text };
}

const ctx = { io: capture(), setExit: () => undefined };

describe('desk CLI: commands load on demand', () => {
  it('with no command named, every module is registered: exactly the names the table lists, in its order', async () => {
    const program = await buildProgram(ctx, ['node', 'desk', '--help']);
    expect(program.commands.map((c) => c.name())).toEqual(COMMAND_NAMES);
  });

  it.each(COMMAND_NAMES)('`desk %s` loads the module that registers it', async (name) => {
    const program = await buildProgram(ctx, ['node', 'desk', name]);
    const names = program.commands.map((c) => c.name());
    expect(names).toContain(name);
    expect(names.length).toBeLessThan(COMMAND_NAMES.length);
  });

  it('an unknown command still gets the full suggestion, exit 2', async () => {
    const io = capture();
    expect(await main(['node', 'desk', 'statuz'], io)).toBe(2);
    expect(io.text()).toMatch(/unknown command 'statuz'[\s\S]*Did you mean status\?/);
  });
});
