// Rows next to ballot data carry the UTC day only. A fine timestamp beside a ballot would let
// anyone who saw a voter at the kiosk at 10:32 find that voter's ballot (DESIGN.md §4).
export type Day = string;

export function coarseDay(epochMs: number): Day {
  return new Date(epochMs).toISOString().slice(0, 10);
}
