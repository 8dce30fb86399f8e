import { chainTemplate, findBrokenLink, GENESIS_HASH, hashEvent, StoredEvent } from './audit-chain';
import { createHash } from 'node:crypto';

function chain(length: number): StoredEvent[] {
  const events: StoredEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const content = {
      workspaceId: 'w1',
      seq,
      actorId: null,
      actorLabel: 'system',
      action: 'channel.created',
      targetType: 'channel',
      targetId: `c${seq}`,
      before: null,
      after: { name: `Channel ${seq}`, nested: { b: 1, a: 2 } },
      reason: null,
      requestId: null,
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
      prevHash,
    };
    const hash = hashEvent(content);
    events.push({ ...content, id: `e${seq}`, hash });
    prevHash = hash;
  }
  return events;
}

describe('audit chain', () => {
  it('verifies an untouched chain', () => {
    expect(findBrokenLink(chain(5), { seq: 0, hash: GENESIS_HASH })).toBeUndefined();
  });

  it('hashes the same content the same way whatever the key order (jsonb reorders keys)', () => {
    const [event] = chain(1);
    const reordered = { ...event, after: { nested: { a: 2, b: 1 }, name: 'Channel 1' } };
    expect(hashEvent(reordered)).toBe(event.hash);
  });

  it('reports an altered event as the first broken link', () => {
    const events = chain(5);
    events[2] = { ...events[2], after: { name: 'tampered' } };
    expect(findBrokenLink(events, { seq: 0, hash: GENESIS_HASH })).toEqual({
      seq: 3,
      eventId: 'e3',
      reason: 'content_hash_mismatch',
    });
  });

  it('reports a deleted event as a gap', () => {
    const events = chain(5);
    events.splice(1, 1);
    expect(findBrokenLink(events, { seq: 0, hash: GENESIS_HASH })).toMatchObject({ seq: 2, reason: 'sequence_gap' });
  });

  it('reports an event rehashed after tampering through its successor', () => {
    const events = chain(4);
    const forged = { ...events[1], reason: 'forged' };
    events[1] = { ...forged, hash: hashEvent(forged) };
    expect(findBrokenLink(events, { seq: 0, hash: GENESIS_HASH })).toMatchObject({
      seq: 3,
      reason: 'previous_hash_mismatch',
    });
  });

  it('continues from a verified link', () => {
    const events = chain(6);
    expect(findBrokenLink(events.slice(3), { seq: 3, hash: events[2].hash })).toBeUndefined();
  });

  it('makes a template that, filled in as audit_append does, is the text hashEvent hashes', () => {
    const [event] = chain(1);
    const { seq: _seq, prevHash: _prevHash, id: _id, hash: _hash, ...fields } = event;
    const marker = 'ab'.repeat(16);
    const tricky = { ...fields, reason: `"S${'cd'.repeat(16)}" \\ \n 👩‍👩‍👧 \u2028`, after: { [`P${marker.slice(2)}`]: 'x' } };
    const filled = chainTemplate(tricky, marker).replace(`"S${marker}"`, '4012').replace(`P${marker}`, 'f'.repeat(64));
    expect(createHash('sha256').update(filled, 'utf8').digest('hex')).toBe(hashEvent({ ...tricky, seq: 4012, prevHash: 'f'.repeat(64) }));
  });
});
