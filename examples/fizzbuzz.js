// FizzBuzz written inline: no functions, so the trace is one slice, the module's evaluation.
for (let i = 1; i <= 15; i++) {
  let line = '';
  if (i % 3 === 0) line += 'Fizz';
  if (i % 5 === 0) line += 'Buzz';
  console.log(line || String(i));
}
