// The call-heavy workload: nothing but calls, so the hooks are nearly all the time there is.
function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
module.exports = fib;
