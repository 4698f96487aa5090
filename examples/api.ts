// The runtime API in one program: @traced, custom events and argument values.
//   npx panopticon --args -o api.json examples/api.ts
// (api.mjs is the same program without the decorator, for plain node.)
import { counter, instant, nameThread, traced } from '@panopticon/runtime';

class Cart {
  private items: Array<{ sku: string; price: number }> = [];

  @traced
  add(sku: string, price: number): number {
    this.items.push({ sku, price });
    counter('cart', { items: this.items.length });
    return this.items.length;
  }

  @traced
  async checkout(card: { number: string; password: string }): Promise<number> {
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
