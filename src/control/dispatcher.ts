/**
 * The seam between transports and command handling. Whatever a dispatcher
 * does — throw, reject, answer garbage — `dispatchSafely` turns it into a
 * well-formed serialised response, so a transport never crashes on a command.
 */
import type { Logger } from '../core/logger.js';
import { logMessage } from '../core/messages.js';
import { controlMessages as M } from './messages.js';
import { errorResponse, serializeResponse, type CommandRequest, type CommandResponse } from './protocol.js';

export interface DispatchContext {
  transport: 'unix' | 'http';
  /** The authenticated user (HTTP only). */
  user?: string;
}

export type CommandDispatcher = (req: CommandRequest, ctx: DispatchContext) => Promise<CommandResponse>;

/** Runs the dispatcher and returns the response as JSON text; never rejects. */
export async function dispatchSafely(dispatch: CommandDispatcher, req: CommandRequest, ctx: DispatchContext, logger: Logger): Promise<string> {
  logMessage(logger, M.CTRL_COMMAND_RECEIVED, { command: req.command, transport: ctx.transport });
  let resp: CommandResponse;
  try {
    resp = await dispatch(req, ctx);
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    logMessage(logger, M.CTRL_DISPATCH_FAILED, { command: req.command, error, err });
    return serializeResponse(errorResponse(`command '${req.command}' failed: ${error}`));
  }
  try {
    return serializeResponse(resp);
  } catch (err) {
    const error = (err as Error).message;
    logMessage(logger, M.CTRL_RESPONSE_INVALID, { command: req.command, error });
    return serializeResponse(errorResponse(`command '${req.command}' produced an invalid response: ${error}`));
  }
}
