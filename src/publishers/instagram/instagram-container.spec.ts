import { ContainerMemory, containerStep, readInstagramCredentials } from './instagram-container';

describe('containerStep', () => {
  it('publishes a FINISHED container, waits on IN_PROGRESS, never republishes a PUBLISHED one', () => {
    expect(containerStep({ status_code: 'FINISHED' })).toBe('publish');
    expect(containerStep({ status_code: 'IN_PROGRESS' })).toBe('wait');
    expect(containerStep({ status_code: 'PUBLISHED' })).toBe('already_published');
  });

  it('makes a new container when the old one expired or failed', () => {
    expect(containerStep({ status_code: 'EXPIRED' })).toBe('new_container');
    expect(containerStep({ status_code: 'ERROR', status: 'Error: Media upload has failed with error code 2207003' })).toBe('new_container');
  });

  it('waits (boundedly) on a state it does not know', () => {
    expect(containerStep({})).toBe('wait');
  });
});

describe('ContainerMemory', () => {
  const t0 = new Date('2030-01-01T00:00:00Z');
  const later = (hours: number): Date => new Date(t0.getTime() + hours * 3600_000);

  it("keeps a delivery's container until it is forgotten", () => {
    const memory = new ContainerMemory();
    memory.remember('d1', 'c1', t0);
    expect(memory.get('d1', later(1))).toBe('c1');
    memory.forget('d1');
    expect(memory.get('d1', later(1))).toBeUndefined();
  });

  it('lets a container go once Instagram would have expired it (24 h)', () => {
    const memory = new ContainerMemory();
    memory.remember('d1', 'c1', t0);
    expect(memory.get('d1', later(24))).toBeUndefined();
    expect(memory.size).toBe(0);
  });

  it('stays bounded, dropping the oldest', () => {
    const memory = new ContainerMemory();
    for (let i = 0; i <= 10_000; i++) {
      memory.remember(`d${i}`, `c${i}`, t0);
    }
    expect(memory.size).toBe(10_000);
    expect(memory.get('d0', t0)).toBeUndefined();
    expect(memory.get('d10000', t0)).toBe('c10000');
  });
});

describe('readInstagramCredentials', () => {
  it('asks for a reconnection when the stored credentials no longer fit', () => {
    expect(() => readInstagramCredentials({ igUserId: 'brand', accessToken: 't' })).toThrow(/reconnect the channel/);
    expect(readInstagramCredentials({ igUserId: '17841400000000', accessToken: 'IGQ' })).toEqual({ igUserId: '17841400000000', accessToken: 'IGQ' });
  });
});
