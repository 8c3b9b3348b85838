/** A binary min-heap of pending lifecycle deadlines, ordered by time then by insertion. */
export interface QueueEntry {
  due: number
  order: number
  machineId: string
}

export class TransitionQueue {
  private readonly heap: QueueEntry[] = []
  private counter = 0

  get size(): number {
    return this.heap.length
  }

  push(due: number, machineId: string): void {
    this.heap.push({ due, order: this.counter++, machineId })
    this.siftUp(this.heap.length - 1)
  }

  peek(): QueueEntry | undefined {
    return this.heap[0]
  }

  pop(): QueueEntry | undefined {
    const top = this.heap[0]
    const last = this.heap.pop()
    if (top === undefined || last === undefined) return undefined
    if (this.heap.length > 0) {
      this.heap[0] = last
      this.siftDown(0)
    }
    return top
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a]!
    const y = this.heap[b]!
    return x.due < y.due || (x.due === y.due && x.order < y.order)
  }

  private swap(a: number, b: number): void {
    const x = this.heap[a]!
    this.heap[a] = this.heap[b]!
    this.heap[b] = x
  }

  private siftUp(index: number): void {
    let i = index
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.before(i, parent)) break
      this.swap(i, parent)
      i = parent
    }
  }

  private siftDown(index: number): void {
    let i = index
    const n = this.heap.length
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let smallest = i
      if (left < n && this.before(left, smallest)) smallest = left
      if (right < n && this.before(right, smallest)) smallest = right
      if (smallest === i) return
      this.swap(i, smallest)
      i = smallest
    }
  }
}
