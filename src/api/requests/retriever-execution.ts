// Answering an execute (saved or ad-hoc): the ExecutionDetail as JSON, or with `stream: true` a
// text/event-stream of the executor's events (SPEC §15.2). A client that goes away aborts the
// execution. An error before the first event is the ordinary error envelope; after it, an
// `execution_error` event, then [DONE].
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TesseraError } from '../../engine/errors.ts';
import type { ExecutionResult } from '../../engine/retrievers/execution.ts';
import type { ExecutionOptions } from '../../engine/retrievers/retriever-execution-service.ts';
import { toExecutionResponse, toStreamEvent } from '../presenters/retriever.ts';
import { SseStream } from '../sse.ts';

export interface ExecutionAnswer {
  stream: boolean;
  /** Ad-hoc executions say so in X-Execution-Mode (SPEC §15.3). */
  adhoc: boolean;
  run: (options: ExecutionOptions) => Promise<ExecutionResult>;
}

export async function answerExecution(request: FastifyRequest, reply: FastifyReply, answer: ExecutionAnswer): Promise<unknown> {
  const modeHeader: Record<string, string> = answer.adhoc ? { 'x-execution-mode': 'adhoc' } : {};
  const controller = new AbortController();
  // 'close' also follows a normal end; only a response not yet finished means the client left.
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('the client went away'));
  });
  if (!answer.stream) {
    const result = await answer.run({ signal: controller.signal });
    reply.headers(modeHeader);
    return toExecutionResponse(result);
  }
  const sse = new SseStream(reply, modeHeader);
  let executionId: string | null = null;
  try {
    await answer.run({
      signal: controller.signal,
      listener: (event) => {
        executionId = event.execution_id;
        return sse.send(toStreamEvent(event));
      },
    });
  } catch (err) {
    if (!sse.isStarted) throw err;
    const known = err instanceof TesseraError;
    if (!known) request.log.error({ err }, 'retriever execution failed after the stream started');
    await sse.send({
      event_type: 'execution_error',
      execution_id: executionId,
      error: known ? { type: err.type, message: err.message, status: err.status, details: err.details } : { type: 'InternalServerError', message: 'The execution failed', status: 500, details: null },
    });
  }
  sse.end();
  return reply;
}
