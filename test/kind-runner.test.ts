// The command runner the cluster platform uses for kubectl, on real processes: stdout back, stdin in,
// and every failure as one line naming the command.
import { describe, expect, it } from 'vitest';
import { PlatformError } from '../scripts/platforms/platform.js';
import { describeCommand, execaRunner } from '../scripts/platforms/cluster/runner.js';
import { RecordingRunner } from './helpers/recording-runner.js';

const node = process.execPath;

describe('execaRunner', () => {
  it('returns stdout and feeds stdin', async () => {
    const out = await execaRunner.run([node, '-e', 'process.stdin.pipe(process.stdout)'], { input: '{"kind":"List"}' });
    expect(out).toBe('{"kind":"List"}');
  });

  it("fails with the command's first error line", async () => {
    const argv = [node, '-e', 'console.error("\\nerror: deployments.apps \\"service-x\\" not found\\nmore"); process.exit(1)'];
    await expect(execaRunner.run(argv)).rejects.toThrow(new PlatformError(`${describeCommand(argv)} failed: error: deployments.apps "service-x" not found`));
  });

  it('names a missing tool with where to get it, and a command that runs too long', async () => {
    await expect(execaRunner.run(['kind-of-missing-tool-xyz', 'get', 'clusters'])).rejects.toThrow(
      new PlatformError('kind-of-missing-tool-xyz not found: install it'),
    );
    const slow = [node, '-e', 'setTimeout(() => {}, 10000)'];
    await expect(execaRunner.run(slow, { timeoutMs: 300 })).rejects.toThrow(new PlatformError(`${describeCommand(slow)} timed out after 300 ms`));
  });

  it('describes a command by its words, without flags', () => {
    expect(describeCommand(['kubectl', '--context=kind-grpc-lab', '--namespace=grpc-lab', 'rollout', 'status', 'deployment/service-b', '--timeout=60s'])).toBe(
      'kubectl rollout status deployment/service-b',
    );
  });
});

describe('RecordingRunner', () => {
  it('records argv and stdin, and answers or fails as told', async () => {
    const runner = new RecordingRunner((argv) => (argv[1] === 'fail' ? new PlatformError('no') : `ran ${argv[1]}`));
    expect(await runner.run(['x', 'one'], { input: 'in' })).toBe('ran one');
    await expect(runner.run(['x', 'fail'])).rejects.toThrow('no');
    expect(runner.calls).toEqual([{ argv: ['x', 'one'], input: 'in' }, { argv: ['x', 'fail'] }]);
  });
});
