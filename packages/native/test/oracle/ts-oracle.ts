/**
 * Reference outline from the TypeScript compiler API, mapped to @weft/native's SymbolInfo rules
 * (see README "Symbol rules"). Used only by the accuracy test and the bench.
 */
import ts from 'typescript';

export interface RefSymbol {
  name: string;
  parent?: string;
  kind: string;
  startLine: number;
  endLine: number;
}

export function tsOracle(source: string, language: 'typescript' | 'tsx' | 'javascript'): RefSymbol[] {
  const kind = language === 'tsx' ? ts.ScriptKind.TSX : language === 'javascript' ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(
    'x.' + (language === 'tsx' ? 'tsx' : 'ts'),
    source,
    ts.ScriptTarget.Latest,
    true,
    kind,
  );
  const out: RefSymbol[] = [];
  const line = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const start = (node: ts.Node): number => {
    const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
    const decos = ts.canHaveDecorators(node) ? ts.getDecorators(node) : undefined;
    if (decos && decos.length > 0) {
      const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, source);
      scanner.resetTokenState(decos[decos.length - 1]!.end);
      scanner.scan();
      const afterDecos = scanner.getTokenStart();
      if (mods && mods.length > 0) return line(Math.max(afterDecos, mods[0]!.getStart(sf)));
      return line(afterDecos);
    }
    return line(node.getStart(sf));
  };
  const push = (name: string, k: string, node: ts.Node, parent: string | undefined, s?: number) => {
    const r: RefSymbol = { name, kind: k, startLine: s ?? start(node), endLine: line(node.getEnd()) };
    if (parent !== undefined) r.parent = parent;
    out.push(r);
  };
  const isFn = (e: ts.Expression | undefined): boolean => {
    while (e && (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)))
      e = e.expression;
    return !!e && (ts.isArrowFunction(e) || ts.isFunctionExpression(e));
  };
  const isDefault = (n: ts.Node) =>
    (ts.canHaveModifiers(n) ? ts.getModifiers(n) : undefined)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword) ??
    false;
  const statements = (list: readonly ts.Statement[], parent: string | undefined) => {
    for (const st of list) {
      if (ts.isFunctionDeclaration(st)) {
        const name = st.name?.text ?? (isDefault(st) ? 'default' : undefined);
        if (name) push(name, 'function', st, parent);
      } else if (ts.isClassDeclaration(st)) {
        const name = st.name?.text ?? (isDefault(st) ? 'default' : undefined);
        if (!name) continue;
        push(name, 'class', st, parent);
        for (const m of st.members) {
          if (ts.isConstructorDeclaration(m)) push('constructor', 'method', m, name);
          else if (ts.isMethodDeclaration(m) || ts.isGetAccessor(m) || ts.isSetAccessor(m))
            push(m.name.getText(sf), 'method', m, name);
          else if (ts.isPropertyDeclaration(m))
            push(m.name.getText(sf), isFn(m.initializer) ? 'method' : 'variable', m, name);
        }
      } else if (ts.isInterfaceDeclaration(st)) {
        const name = st.name.text;
        push(name, 'interface', st, parent);
        for (const m of st.members) {
          if (ts.isMethodSignature(m) || ts.isGetAccessor(m) || ts.isSetAccessor(m))
            push(m.name.getText(sf), 'method', m, name);
          else if (ts.isPropertySignature(m)) push(m.name.getText(sf), 'variable', m, name);
        }
      } else if (ts.isTypeAliasDeclaration(st)) {
        push(st.name.text, 'type', st, parent);
      } else if (ts.isEnumDeclaration(st)) {
        push(st.name.text, 'enum', st, parent);
      } else if (ts.isModuleDeclaration(st)) {
        let name = ts.isStringLiteral(st.name) ? st.name.text : st.name.text;
        let body = st.body;
        while (body && ts.isModuleDeclaration(body)) {
          name += '.' + body.name.text;
          body = body.body;
        }
        push(name, 'module', st, parent);
        if (body && ts.isModuleBlock(body)) statements(body.statements, name);
      } else if (ts.isVariableStatement(st)) {
        const scoped = st.declarationList.flags & ts.NodeFlags.BlockScoped;
        if (scoped === ts.NodeFlags.Using || scoped === ts.NodeFlags.AwaitUsing) continue;
        const isConst = scoped === ts.NodeFlags.Const;
        st.declarationList.declarations.forEach((d, idx) => {
          if (!ts.isIdentifier(d.name)) return;
          const k = isFn(d.initializer) ? 'function' : isConst ? 'constant' : 'variable';
          push(d.name.text, k, d, parent, idx === 0 ? start(st) : line(d.name.getStart(sf)));
        });
      }
    }
  };
  statements(sf.statements, undefined);
  return out;
}

export interface RefImport {
  source: string;
  line: number;
}

/**
 * Reference imports from the TypeScript compiler API: static `import … from 'x'` / `import 'x'`,
 * `export … from 'x'` and `import x = require('x')`, at top level and inside `declare module` /
 * namespace blocks (dynamic `import()` and `require()` calls are expressions, not imports).
 */
export function tsImportOracle(source: string, language: 'typescript' | 'tsx' | 'javascript'): RefImport[] {
  const kind = language === 'tsx' ? ts.ScriptKind.TSX : language === 'javascript' ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(
    'x.' + (language === 'tsx' ? 'tsx' : 'ts'),
    source,
    ts.ScriptTarget.Latest,
    true,
    kind,
  );
  const out: RefImport[] = [];
  const line = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const visit = (list: readonly ts.Statement[]) => {
    for (const st of list) {
      if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier))
        out.push({ source: st.moduleSpecifier.text, line: line(st) });
      else if (ts.isExportDeclaration(st) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier))
        out.push({ source: st.moduleSpecifier.text, line: line(st) });
      else if (
        ts.isImportEqualsDeclaration(st) &&
        ts.isExternalModuleReference(st.moduleReference) &&
        ts.isStringLiteral(st.moduleReference.expression)
      )
        out.push({ source: st.moduleReference.expression.text, line: line(st) });
      else if (ts.isModuleDeclaration(st)) {
        let body = st.body;
        while (body && ts.isModuleDeclaration(body)) body = body.body;
        if (body && ts.isModuleBlock(body)) visit(body.statements);
      }
    }
  };
  visit(sf.statements);
  return out;
}
