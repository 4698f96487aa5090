// The smallest traced program: one function, one call.
function greet(name) {
  return `Hello, ${name}!`;
}

console.log(greet('world'));
