/** The code interpreter: Run on a Python block of an answer, its output (French: strings.fr.ts). */
export const codeRunnerEn = {
  run: 'Run',
  runLabel: 'Run this Python code',
  stop: 'Stop',
  stopLabel: 'Stop the Python code',
  output: 'Output of the Python code',
  result: 'Result',
  loading: 'Loading Python… (the first run downloads about 12 MB)',
  running: 'Running…',
  done: 'Finished.',
  failed: 'The code raised an error:',
  stopped: 'Stopped.',
  loadFailed: 'Python could not be loaded ({{ message }}). It is downloaded on the first run and then kept for offline use: connect to the network once and run again.',
  noOutput: 'Finished, with no output.',
};
