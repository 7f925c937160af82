// Load shedding: a pod accepts at most CAPACITY calls at once (gRPC and REST together) and answers
// the next one at once with UNAVAILABLE, as an overloaded server protecting its latency would.
// Round 1 and 3 need it: traffic that piles onto too few pods must show up as errors, not only as
// latency.

export class Admission {
  private current = 0;

  /** capacity 0 = unlimited. */
  constructor(readonly capacity: number) {}

  get inFlight(): number {
    return this.current;
  }

  /** Takes a slot, or returns false when the pod is full and the call must be shed. */
  tryEnter(): boolean {
    if (this.capacity > 0 && this.current >= this.capacity) return false;
    this.current++;
    return true;
  }

  leave(): void {
    this.current--;
  }
}

/** The status details of a shed call: A classifies a failure as "shed" by the word "overloaded". */
export function shedDetails(pod: string, capacity: number): string {
  return `overloaded: ${pod} at capacity ${capacity}`;
}
