import { describe, expect, it } from 'vitest';
import { parseMentions } from './mentions.js';

const users = [
  { id: 'u-analyst', email: 'analyst@demo.exflow', name: 'Ari Analyst' },
  { id: 'u-analyst2', email: 'analyst2@demo.exflow', name: 'Bea Analyst' },
  { id: 'u-pat', email: 'pat@demo.exflow', name: 'Pat Approver' },
  { id: 'u-pat-other', email: 'pat@other.example', name: 'Pat Elsewhere' },
];

describe('parseMentions', () => {
  it('resolves handles by the start of the e-mail, or the full e-mail, once each', () => {
    expect(parseMentions('@Analyst2 please look, and @analyst2 again; cc @analyst.', users)).toEqual({ userIds: ['u-analyst2', 'u-analyst'], unknown: [] });
    expect(parseMentions('(@pat@demo.exflow)', users)).toEqual({ userIds: ['u-pat'], unknown: [] });
  });

  it('does not read an e-mail address in the text as a mention', () => {
    expect(parseMentions('write to ari@example.com', users)).toEqual({ userIds: [], unknown: [] });
  });

  it('reports handles that name nobody, or more than one person', () => {
    expect(parseMentions('ask @bob and @pat', users)).toEqual({ userIds: [], unknown: ['@bob', '@pat'] });
  });
});
