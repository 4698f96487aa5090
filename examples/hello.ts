// The smallest traced program, in TypeScript: one function, one call.
function greet(name: string): string {
  return `Hello, ${name}!`;
}

console.log(greet('world'));
