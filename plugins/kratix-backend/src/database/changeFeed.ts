// Listeners of a store's changes, called in turn after each write.

export type ChangeListener<T> = (change: T) => void | Promise<void>;

export class ChangeFeed<T> {
  private readonly listeners = new Set<ChangeListener<T>>();

  /** Returns the unsubscribe. */
  subscribe(listener: ChangeListener<T>): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Awaits every listener; one that fails never fails the write that
   * changed the store (listeners report their own failures).
   */
  async emit(change: T): Promise<void> {
    await Promise.all(
      [...this.listeners].map(async listener => {
        try {
          await listener(change);
        } catch {
          // Best-effort: see above.
        }
      }),
    );
  }
}
