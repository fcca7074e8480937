import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidSubjectError } from './errors.ts';
import {
  KILL_SWITCH_ALL_SUBJECT,
  RISK_DECISION_SUBJECT,
  SUBJECT_PATTERNS,
  assertPattern,
  assertSubject,
  botSubject,
  commandSubject,
  heartbeatSubject,
  killSwitchSubject,
  subjectMatches,
} from './subjects.ts';

/** Reference: translate the pattern to a regular expression. */
function referenceMatches(pattern: string, subject: string): boolean {
  const tokens = pattern.split('.');
  const body = tokens
    .map((t, i) => {
      if (t === '*') return '[^.]+';
      if (t === '>' && i === tokens.length - 1) return '[^.]+(?:\\.[^.]+)*';
      return t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('\\.');
  return new RegExp(`^${body}$`).test(subject);
}

describe('subject builders', () => {
  it('build the subjects of the architecture', () => {
    expect(commandSubject('mm-btc')).toBe('desk.cmd.mm-btc');
    expect(botSubject('mm-btc', 'snapshot')).toBe('desk.bot.mm-btc.snapshot');
    expect(botSubject('mm-btc', 'fill')).toBe('desk.bot.mm-btc.fill');
    expect(botSubject('mm-btc', 'event')).toBe('desk.bot.mm-btc.event');
    expect(killSwitchSubject('mm-btc')).toBe('desk.killswitch.mm-btc');
    expect(KILL_SWITCH_ALL_SUBJECT).toBe('desk.killswitch.all');
    expect(RISK_DECISION_SUBJECT).toBe('desk.risk.decision');
    expect(heartbeatSubject('risk')).toBe('desk.heartbeat.risk');
  });

  it('the cross-bot patterns match what the builders produce', () => {
    expect(subjectMatches(SUBJECT_PATTERNS.allSnapshots, botSubject('a', 'snapshot'))).toBe(true);
    expect(subjectMatches(SUBJECT_PATTERNS.allSnapshots, botSubject('a', 'fill'))).toBe(false);
    expect(subjectMatches(SUBJECT_PATTERNS.killSwitch, killSwitchSubject('a'))).toBe(true);
    expect(subjectMatches(SUBJECT_PATTERNS.killSwitch, KILL_SWITCH_ALL_SUBJECT)).toBe(true);
    expect(subjectMatches(SUBJECT_PATTERNS.allCommands, commandSubject('a'))).toBe(true);
    expect(subjectMatches(SUBJECT_PATTERNS.allHeartbeats, heartbeatSubject('host-1'))).toBe(true);
  });

  it.each([
    ['', /bot id must be a non-empty string/],
    ['a.b', /bot id "a\.b" contains '\.'/],
    ['a*', /bot id "a\*" contains '\*'/],
    ['a>', /bot id "a>" contains '>'/],
    ['a b', /bot id "a b" contains whitespace/],
    ['a\tb', /contains whitespace/],
    ['all', /bot id "all" is reserved/],
  ])('reject bot id %j with an error naming it', (id, message) => {
    for (const build of [commandSubject, killSwitchSubject, (b: string) => botSubject(b, 'fill')]) {
      expect(() => build(id)).toThrow(InvalidSubjectError);
      expect(() => build(id)).toThrow(message);
    }
  });

  it('reject a bad component and a bad bot stream', () => {
    expect(() => heartbeatSubject('a.b')).toThrow(/component "a\.b" contains '\.'/);
    expect(() => heartbeatSubject('')).toThrow(InvalidSubjectError);
    expect(() => botSubject('a', 'orders' as never)).toThrow(/bot stream must be one of snapshot, fill, event/);
  });

  it('the error carries its name and the offending value', () => {
    const err = (() => {
      try {
        commandSubject('x.y');
      } catch (e) {
        return e as InvalidSubjectError;
      }
      throw new Error('expected a throw');
    })();
    expect(err.name).toBe('InvalidSubjectError');
    expect(err.subject).toBe('x.y');
  });
});

describe('subject and pattern validation', () => {
  it.each(['', 'a..b', '.a', 'a.', 'a.*', 'a.>', 'a b', 'a.b*'])('rejects published subject %j', (s) => {
    expect(() => assertSubject(s)).toThrow(InvalidSubjectError);
  });
  it.each(['a.>.b', 'a.b*', 'a..b', '>x', ''])('rejects pattern %j', (p) => {
    expect(() => assertPattern(p)).toThrow(InvalidSubjectError);
  });
  it.each(['a', 'a.*', '*.>', '>', 'a.*.c.>'])('accepts pattern %j', (p) => {
    expect(() => assertPattern(p)).not.toThrow();
  });
});

describe('subjectMatches', () => {
  it.each([
    ['a.b.c', 'a.b.c', true],
    ['a.b.c', 'a.b', false],
    ['a.b', 'a.b.c', false],
    ['a.*.c', 'a.b.c', true],
    ['a.*.c', 'a.b.d', false],
    ['a.*', 'a', false],
    ['a.*', 'a.b.c', false],
    ['*', 'a', true],
    ['*', 'a.b', false],
    ['a.>', 'a.b', true],
    ['a.>', 'a.b.c.d', true],
    ['a.>', 'a', false],
    ['>', 'a', true],
    ['>', 'a.b.c', true],
    ['*.>', 'a', false],
    ['*.>', 'a.b', true],
    ['desk.bot.*.snapshot', 'desk.bot.x.snapshot', true],
    ['desk.bot.*.snapshot', 'desk.bot.x.y.snapshot', false],
    ['desk.killswitch.*', 'desk.killswitch.all', true],
    ['a.>.b', 'a.x.b', false],
  ])('%s vs %s → %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });

  it('agrees with a regex reference on random patterns and subjects', () => {
    const tok = fc.constantFrom('a', 'b', 'c', 'desk', 'x-1');
    const subject = fc.array(tok, { minLength: 1, maxLength: 5 }).map((t) => t.join('.'));
    const pattern = fc
      .tuple(fc.array(fc.oneof(tok, fc.constant('*')), { minLength: 1, maxLength: 5 }), fc.boolean())
      .map(([t, tail]) => (tail ? [...t.slice(0, -1), '>'] : t).join('.'));
    fc.assert(
      fc.property(pattern, subject, (p, s) => {
        expect(subjectMatches(p, s)).toBe(referenceMatches(p, s));
      }),
      { numRuns: 500 },
    );
  });
});
