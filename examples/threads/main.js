// The seed's threads example: the main thread and a secondary thread both print. In the trace,
// the secondary thread is a thread of this process named after its file, beside "main".
const { Worker } = require('node:worker_threads');

function say(i) {
  console.log(`main thread: ${i}`);
}

function start() {
  const secondary = new Worker(`${__dirname}/secondary.js`);
  secondary.on('exit', () => console.log('main thread: the secondary thread is done'));
  for (let i = 0; i < 3; i++) say(i);
}

start();
