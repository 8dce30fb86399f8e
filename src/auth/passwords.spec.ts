import { COMMON_PASSWORDS } from './common-passwords';
import { hashPassword, passwordProblems, verifyDummyPassword, verifyPassword } from './passwords';

describe('passwords', () => {
  const owner = { name: 'Mia Marketer', email: 'mia.m@example.com' };

  it('accept a long phrase of unrelated words', () => {
    expect(passwordProblems('lantern orchard quietly 42', owner)).toEqual([]);
  });

  it('must be at least 12 characters', () => {
    expect(passwordProblems('eleven char', owner)).toEqual(['password must be at least 12 characters']);
    expect(passwordProblems('twelve chars', owner)).toEqual([]);
  });

  it('must not be a common password, whatever its case', () => {
    expect(passwordProblems('Password1234', owner)).toEqual(['password is too common']);
    expect(passwordProblems('QWERTYUIOP123', owner)).toEqual(['password is too common']);
    expect(COMMON_PASSWORDS.size).toBeGreaterThanOrEqual(100);
    expect(COMMON_PASSWORDS.size).toBeLessThanOrEqual(250);
  });

  it("must not contain the member's name or the name part of their e-mail", () => {
    expect(passwordProblems('the MIA.M password!', owner)).toEqual(['password must not contain your e-mail address']);
    expect(passwordProblems('marketer of the year', owner)).toEqual(['password must not contain your name']);
    expect(passwordProblems('miamarketer rules ok', owner)).toEqual(['password must not contain your name']);
  });

  it('are hashed with argon2id, and verify only with the same password', async () => {
    const hashed = await hashPassword('lantern orchard quietly 42');
    expect(hashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(verifyPassword(hashed, 'lantern orchard quietly 42')).resolves.toBe(true);
    await expect(verifyPassword(hashed, 'lantern orchard quietly 43')).resolves.toBe(false);
    await expect(verifyPassword('not a hash', 'anything')).resolves.toBe(false);
    await expect(verifyDummyPassword('anything')).resolves.toBe(false);
  });
});
