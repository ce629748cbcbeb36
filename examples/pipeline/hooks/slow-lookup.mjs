// An async callout: looks the user's team up (a timer stands in for a database) before routing.
export const version = 1;

const teams = { alice: 'blue', bob: 'green' };

export async function route_selected(handle) {
  const request = handle.getArgument('request');
  await new Promise((resolve) => setTimeout(resolve, 10));
  const team = teams[request.user];
  if (team === undefined) {
    handle.setStatus(1); // NextStep.SKIP: no team route, the component uses its default
    return;
  }
  handle.setArgument('route', `/teams/${team}${request.path}`);
}
