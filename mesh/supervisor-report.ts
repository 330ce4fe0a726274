// What local mode's supervisor tells the mesh over its IPC channel: the status of every process it
// runs, which the mesh's admin /status answers with (as `processes`), opaque to the mesh itself.
export const PROCESSES_MESSAGE = 'quizmesh.processes';

export interface ProcessesMessage {
  type: typeof PROCESSES_MESSAGE;
  processes: unknown[];
}

export const isProcessesMessage = (message: unknown): message is ProcessesMessage =>
  typeof message === 'object' &&
  message !== null &&
  (message as { type?: unknown }).type === PROCESSES_MESSAGE &&
  Array.isArray((message as { processes?: unknown }).processes);
