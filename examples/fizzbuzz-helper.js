// FizzBuzz with a helper that prints: each call of p() is its own slice inside the module's.
function p(x) {
  console.log(x);
}

for (let i = 1; i <= 15; i++) {
  if (i % 15 === 0) p('FizzBuzz');
  else if (i % 3 === 0) p('Fizz');
  else if (i % 5 === 0) p('Buzz');
  else p(i);
}
