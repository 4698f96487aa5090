// Imported by main.ts; its top-level code runs once, when it is first required.
console.log('greeting: evaluating');

export function greet(name: string): string {
  return `Hello, ${name}!`;
}
