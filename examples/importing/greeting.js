// Imported by main.js; its top-level code runs once, when it is first required.
console.log('greeting: evaluating');

function greet(name) {
  return `Hello, ${name}!`;
}

module.exports = { greet };
