// Rewrites the response body. Optional parameter "greeting" (default "Hi").
export const version = 1;

export function load(handle) {
  const greeting = handle.getParameter('greeting') ?? 'Hi';
  handle.registerCallout('response_ready', (h) => {
    const response = h.getArgument('response');
    h.setArgument('response', { ...response, body: `${greeting}, ${response.body}` });
  });
}
