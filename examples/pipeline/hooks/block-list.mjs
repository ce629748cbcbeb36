// Drops requests from blocked users. Mandatory parameter "blocked": a list of user names.
export const version = 1;

export const parameters = {
  blocked: { type: 'array', required: true, description: 'user names whose requests are dropped' },
};

let blocked = new Set();

export function load(handle) {
  blocked = new Set(handle.getParameter('blocked'));
  return 0;
}

// Auto-registered: the export has the name of a hook point.
export function request_received(handle) {
  const request = handle.getArgument('request');
  if (blocked.has(request.user)) {
    handle.setArgument('reason', `user ${request.user} is blocked`);
    handle.setStatus(2); // NextStep.DROP
  }
}
