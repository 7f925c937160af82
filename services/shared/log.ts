// One JSON line per lifecycle step on stdout: the platform and a human can both follow a pod.
export function logEvent(service: string, pod: string, event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ ts: new Date().toISOString(), service, pod, event, ...fields })}\n`);
}
