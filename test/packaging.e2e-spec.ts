// What an operator installing and starting Holdfast from a checkout relies on: the build and the engines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { subset, validRange } from 'semver';

const ROOT = join(__dirname, '..');
const readJson = <T>(file: string): T => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as T;

describe('starting from a checkout', () => {
  const nestCli = readJson<{ entryFile: string; compilerOptions: { deleteOutDir?: boolean; tsConfigPath: string } }>('nest-cli.json');
  const tsconfig = readJson<{ compilerOptions: { outDir: string; incremental?: boolean; tsBuildInfoFile?: string } }>('tsconfig.json');
  const pkg = readJson<{ scripts: Record<string, string> }>('package.json');

  it('builds without deleting the output another instance started from this folder is running', () => {
    // nest start with deleteOutDir removes dist/ while a second `npm start` still loads modules from it
    // ("Cannot find module './ads/ads.module'").
    expect(nestCli.compilerOptions.deleteOutDir).toBe(false);
  });

  it('rewrites nothing when the sources did not change (incremental build info kept beside the output)', () => {
    expect(tsconfig.compilerOptions.incremental).toBe(true);
    expect(tsconfig.compilerOptions.tsBuildInfoFile?.startsWith(`${tsconfig.compilerOptions.outDir}/`)).toBe(true);
  });

  it('starts in production from the built entry file, without the Nest CLI', () => {
    expect(pkg.scripts['start:prod']).toMatch(new RegExp(`^node (\\S+ )*dist/${nestCli.entryFile}\\.js$`));
    expect(pkg.scripts['start:prod']).not.toContain('nest ');
  });
});

describe('installing on the Node versions the project supports', () => {
  const pkg = readJson<{ engines: { node: string } }>('package.json');
  const lock = readJson<{ packages: Record<string, { version?: string; dev?: boolean; engines?: { node?: string } | string[]; cpu?: string[] }> }>('package-lock.json');
  /** The 64-bit machines Holdfast runs on (the Docker image, servers, laptops); a platform package for another is never installed there. */
  const SUPPORTED_CPUS = ['x64', 'arm64'];
  const installsHere = (entry: { cpu?: string[] }): boolean => !entry.cpu || entry.cpu.some((cpu) => SUPPORTED_CPUS.includes(cpu));

  it('declares a Node range', () => {
    expect(validRange(pkg.engines.node)).not.toBeNull();
  });

  it("installs no production dependency whose engines exclude a Node the project supports (npm's EBADENGINE)", () => {
    const excluding = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.dev !== true && installsHere(entry))
      .flatMap(([path, entry]) => {
        const node = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        // Every version in the project's range must satisfy the dependency's (subset), not merely some.
        return node && !subset(pkg.engines.node, node) ? [`${path.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${node}`] : [];
      });
    expect(excluding).toEqual([]);
  });
});
