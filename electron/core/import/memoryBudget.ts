/** Lets files in flight start only while what they may hold fits; a lone file always may. */
export class MemoryBudget {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly capacity: number) {}

  async acquire(amount: number): Promise<void> {
    while (this.used > 0 && this.used + amount > this.capacity) {
      await new Promise<void>((resume) => this.waiting.push(resume));
    }
    this.used += amount;
  }

  release(amount: number): void {
    this.used -= amount;
    for (const resume of this.waiting.splice(0)) resume();
  }
}
