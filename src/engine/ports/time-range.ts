/** A half-open interval [from, to) of ISO-8601 instants. */
export interface TimeRange {
  from: string;
  to: string;
}
