// Display names, computed at compile time from the syntax the way a reader names a function:
// `Class.method`, `get Class.prop`, `Class.#priv`, `new Class`, `obj.key`, the variable or
// property a function is assigned to, `(anonymous)` otherwise. Never read from `fn.name` at run
// time: the runtime must not touch user objects.
import type { NodePath, types as t } from '@babel/core';

type Node = t.Node;

/** Longest source text of a computed key kept in a name. */
const MAX_KEY_TEXT = 40;

/** Expression wrappers that do not change which function a reader sees (TS casts, parentheses). */
const TRANSPARENT = new Set(['TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'TSTypeAssertion', 'ParenthesizedExpression', 'TypeCastExpression']);

export class Namer {
  constructor(private readonly code: string) {}

  /** The name of a function, method, arrow or static block. */
  functionName(path: NodePath): string {
    const node = path.node;
    if (node.type === 'StaticBlock') return `${this.className(path.parentPath!.parentPath!)}.<static>`;
    if (node.type === 'ClassMethod' || node.type === 'ClassPrivateMethod') {
      const cls = this.className(path.parentPath!.parentPath!);
      if (node.kind === 'constructor') return `new ${cls}`;
      return accessorPrefix(node.kind) + cls + this.member(node.key, node.computed ?? false);
    }
    if (node.type === 'ObjectMethod') {
      const owner = this.objectName(path.parentPath!);
      return accessorPrefix(node.kind) + owner + this.member(node.key, node.computed, owner === '');
    }
    if ((node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression') && node.id) return node.id.name;
    return this.assignedName(path) ?? anonymous(node);
  }

  /** The name a function or class expression takes from where it is put. */
  private assignedName(path: NodePath): string | null {
    let child: NodePath = path;
    let parent = path.parentPath;
    while (parent && TRANSPARENT.has(parent.node.type)) {
      child = parent;
      parent = parent.parentPath;
    }
    if (!parent) return null;
    const p = parent.node;
    const c = child.node;
    switch (p.type) {
      case 'VariableDeclarator':
        return p.init === c && p.id.type === 'Identifier' ? p.id.name : null;
      case 'AssignmentExpression':
        return p.right === c ? this.targetText(p.left) : null;
      case 'AssignmentPattern':
        return p.right === c && p.left.type === 'Identifier' ? p.left.name : null;
      case 'ObjectProperty': {
        if (p.value !== c) return null;
        const owner = this.objectName(parent.parentPath!);
        return owner + this.member(p.key, p.computed, owner === '');
      }
      case 'ClassProperty':
      case 'ClassPrivateProperty':
      case 'ClassAccessorProperty': {
        if (p.value !== c) return null;
        const cls = this.className(parent.parentPath!.parentPath!);
        return cls + this.member(p.key, 'computed' in p ? p.computed ?? false : false);
      }
      case 'ExportDefaultDeclaration':
        return 'default';
      default:
        return null;
    }
  }

  /** The name of a class: its own, or the one it is assigned to. */
  className(path: NodePath): string {
    const node = path.node;
    if ((node.type === 'ClassDeclaration' || node.type === 'ClassExpression') && node.id) return node.id.name;
    return this.assignedName(path) ?? '(anonymous class)';
  }

  /** The name of the object an object literal is assigned to, '' when it has none. */
  private objectName(path: NodePath): string {
    return this.assignedName(path) ?? '';
  }

  /** `.key`, `.#key` or `[expr]`; without the dot when there is no owner to put before it. */
  private member(key: Node, computed: boolean, bare = false): string {
    const dot = bare ? '' : '.';
    if (key.type === 'PrivateName') return `${dot}#${key.id.name}`;
    if (!computed && key.type === 'Identifier') return dot + key.name;
    if (key.type === 'StringLiteral') return /^[A-Za-z_$][\w$]*$/.test(key.value) ? dot + key.value : `[${JSON.stringify(key.value)}]`;
    if (key.type === 'NumericLiteral') return `[${key.value}]`;
    return `[${this.sourceText(key)}]`;
  }

  /** Assignment targets: `x`, `obj.a.b`, `Foo.prototype.bar`, `module.exports`. */
  private targetText(node: Node): string | null {
    if (node.type === 'Identifier') return node.name;
    if (node.type === 'MemberExpression' || node.type === 'OptionalMemberExpression') {
      const object = node.object.type === 'ThisExpression' ? 'this' : this.targetText(node.object);
      if (object === null) return null;
      return object + this.member(node.property, node.computed);
    }
    return null;
  }

  private sourceText(node: Node): string {
    const text = node.start != null && node.end != null ? this.code.slice(node.start, node.end) : '…';
    const flat = text.replace(/\s+/g, ' ');
    return flat.length > MAX_KEY_TEXT ? flat.slice(0, MAX_KEY_TEXT - 1) + '…' : flat;
  }
}

function accessorPrefix(kind: string): string {
  return kind === 'get' ? 'get ' : kind === 'set' ? 'set ' : '';
}

function anonymous(node: Node): string {
  const loc = node.loc!.start;
  return `(anonymous ${loc.line}:${loc.column + 1})`;
}
