// Batches point reads of objects: the reads asked for in one turn of the
// event loop share one query. Under many concurrent requests (GET a
// Resource) this saves a statement per request, and the server answers in
// batches instead of one request at a time.
import { ObjectKey, StoredObject } from './ObjectStore';
import { keyString } from './objects';

interface Waiting {
  key: ObjectKey;
  resolve(stored: StoredObject | undefined): void;
  reject(error: unknown): void;
}

export class ObjectLoader {
  private waiting: Waiting[] = [];

  constructor(
    private readonly getObjects: (
      keys: ObjectKey[],
    ) => Promise<Array<StoredObject | undefined>>,
  ) {}

  /**
   * The object as stored when the batch is read: after this call, on the
   * next turn of the event loop, so it sees every write that completed
   * before it.
   */
  load(key: ObjectKey): Promise<StoredObject | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ key, resolve, reject });
      if (this.waiting.length === 1) setImmediate(() => this.read());
    });
  }

  private async read(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    const unique = new Map<string, ObjectKey>();
    for (const { key } of batch) unique.set(keyString(key), key);
    try {
      const keys = [...unique.values()];
      const objects = await this.getObjects(keys);
      const byKey = new Map(keys.map((k, i) => [keyString(k), objects[i]]));
      // Callers may change what they get: the same object read twice in a
      // batch is given out as copies.
      const given = new Set<string>();
      for (const { key, resolve } of batch) {
        const id = keyString(key);
        const stored = byKey.get(id);
        resolve(stored && given.has(id) ? structuredClone(stored) : stored);
        given.add(id);
      }
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  }
}
