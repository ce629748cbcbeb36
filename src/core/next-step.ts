/**
 * The next-step status a callout leaves on a handle (Kea's NEXT_STEP_*).
 * The framework only carries it: what SKIP, DROP or PARK mean is the
 * component's decision at each hook point, documented in the hook's spec.
 */
export const NextStep = {
  CONTINUE: 0,
  SKIP: 1,
  DROP: 2,
  PARK: 3,
} as const;

export type NextStep = (typeof NextStep)[keyof typeof NextStep];

export type NextStepName = keyof typeof NextStep;

export const NEXT_STEP_NAMES: readonly NextStepName[] = ['CONTINUE', 'SKIP', 'DROP', 'PARK'];

export function nextStepName(status: NextStep): NextStepName {
  return NEXT_STEP_NAMES[status] ?? 'CONTINUE';
}
