// examples/api.ts without its decorators (plain node runs no decorators): the same output.
import { counter, instant, nameThread } from '@panopticon/runtime';

class Cart {
  items = [];

  add(sku, price) {
    this.items.push({ sku, price });
    counter('cart', { items: this.items.length });
    return this.items.length;
  }

  async checkout(card) {
    instant('checkout started', { items: this.items.length });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const total = this.items.reduce((sum, item) => sum + item.price, 0);
    instant('paid', { total, last4: card.number.slice(-4) });
    return total;
  }
}

nameThread('shop');
const cart = new Cart();
cart.add('apple', 3);
cart.add('pear', 4);
console.log('total', await cart.checkout({ number: '4111111111111111', password: 'hunter2' }));
