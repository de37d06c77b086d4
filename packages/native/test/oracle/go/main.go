// Reference outline from Go's own go/parser, mapped to @weft/native's symbol rules.
// Reads a JSON list of paths on stdin, prints {path: symbols|null}.
package main

import (
	"encoding/json"
	"strconv"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
)

type sym struct {
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	StartLine int    `json:"startLine"`
	EndLine   int    `json:"endLine"`
	Parent    string `json:"parent,omitempty"`
}

func recvName(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return "_"
		}
	}
}

type imp struct {
	Source string `json:"source"`
	Line   int    `json:"line"`
}

type result struct {
	Symbols []sym `json:"symbols"`
	Imports []imp `json:"imports"`
}

func main() {
	var paths []string
	if err := json.NewDecoder(os.Stdin).Decode(&paths); err != nil {
		panic(err)
	}
	res := map[string]*result{}
	for _, p := range paths {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			res[p] = nil
			continue
		}
		line := func(pos token.Pos) int { return fset.Position(pos).Line }
		out := []sym{}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				s := sym{Name: d.Name.Name, Kind: "function", StartLine: line(d.Pos()), EndLine: line(d.End())}
				if d.Recv != nil && len(d.Recv.List) > 0 {
					s.Kind = "method"
					s.Parent = recvName(d.Recv.List[0].Type)
				}
				out = append(out, s)
			case *ast.GenDecl:
				grouped := d.Lparen.IsValid()
				for _, sp := range d.Specs {
					start := line(sp.Pos())
					if !grouped {
						start = line(d.Pos())
					}
					switch sp := sp.(type) {
					case *ast.TypeSpec:
						kind := "type"
						var iface *ast.InterfaceType
						switch t := sp.Type.(type) {
						case *ast.StructType:
							kind = "struct"
						case *ast.InterfaceType:
							kind = "interface"
							iface = t
						}
						out = append(out, sym{Name: sp.Name.Name, Kind: kind, StartLine: start, EndLine: line(sp.End())})
						if iface != nil {
							for _, m := range iface.Methods.List {
								if _, ok := m.Type.(*ast.FuncType); !ok {
									continue
								}
								for _, n := range m.Names {
									out = append(out, sym{Name: n.Name, Kind: "method", StartLine: line(m.Pos()), EndLine: line(m.End()), Parent: sp.Name.Name})
								}
							}
						}
					case *ast.ValueSpec:
						kind := "variable"
						if d.Tok == token.CONST {
							kind = "constant"
						}
						for _, n := range sp.Names {
							if n.Name == "_" {
								continue
							}
							out = append(out, sym{Name: n.Name, Kind: kind, StartLine: start, EndLine: line(sp.End())})
						}
					}
				}
			}
		}
		imps := []imp{}
		for _, is := range f.Imports {
			v, err := strconv.Unquote(is.Path.Value)
			if err != nil {
				v = is.Path.Value
			}
			imps = append(imps, imp{Source: v, Line: line(is.Path.Pos())})
		}
		res[p] = &result{Symbols: out, Imports: imps}
	}
	json.NewEncoder(os.Stdout).Encode(res)
}
