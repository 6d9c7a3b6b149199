// The page's side of a bare-engine benchmark worker (plain postMessage, no comlink, no app code): one
// request at a time; a 'token' reply is a decode step, an 'error' reply rejects, any other reply answers.
export type BareWorkerReply = { type: 'token' } | { type: 'error'; message: string } | { type: string };

export function askBareWorker<Reply extends BareWorkerReply>(worker: Worker, request: unknown, onToken: () => void = () => undefined): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const listener = (event: MessageEvent<Reply>) => {
      const reply = event.data;
      if (reply.type === 'token') return onToken();
      worker.removeEventListener('message', listener);
      if (reply.type === 'error') reject(new Error('message' in reply ? String(reply.message) : 'the bare worker failed'));
      else resolve(reply);
    };
    worker.addEventListener('message', listener);
    worker.postMessage(request);
  });
}
