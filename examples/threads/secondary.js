// Runs in its own thread, started by main.js.
function say(i) {
  console.log(`secondary thread: ${i}`);
}

for (let i = 0; i < 3; i++) say(i);
