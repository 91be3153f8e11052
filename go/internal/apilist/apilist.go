// Package apilist lists a Go API one declaration per line, in the style of Go's own
// api/*.txt files, from two sources: Go source files (the mirror) and the text `go doc`
// prints (upstream's listing, go/api/upstream.txt). Both go through go/parser, so the
// same declaration gives the same line whichever source it comes from.
//
// Line forms (parameter names dropped, as in Go's api files):
//
//	pkg PATH, const NAME TYPE = VALUE
//	pkg PATH, var NAME TYPE
//	pkg PATH, func NAME(TYPES) RESULTS
//	pkg PATH, method (RECV) NAME(TYPES) RESULTS
//	pkg PATH, type NAME struct
//	pkg PATH, type NAME struct, FIELD TYPE
//	pkg PATH, type NAME interface { M1, M2 }
//	pkg PATH, type NAME interface, M(TYPES) RESULTS
//	pkg PATH, type NAME TYPE
//
// A struct's exported fields are one line each, so a mirror may declare a subset of an
// upstream struct's fields; an interface's method set is one line, so it must be whole.
package apilist

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Source lists the exported API of the packages below dir (a module root whose module
// path is modulePath), skipping test files and internal/ and testdata/ directories.
func Source(dir, modulePath string) ([]string, error) {
	var lines []string
	err := filepath.WalkDir(dir, func(file string, entry os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if entry.IsDir() {
			if name := entry.Name(); file != dir && (name == "internal" || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(file, ".go") || strings.HasSuffix(file, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(dir, filepath.Dir(file))
		if err != nil {
			return err
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		lines = append(lines, declarations(path.Join(modulePath, filepath.ToSlash(rel)), parsed)...)
		return nil
	})
	return sorted(lines), err
}

// GoDoc lists the API in text printed by `go doc`: sections that each start with a
// `package NAME // import "PATH"` line. Doc text (lines indented by four spaces),
// section headings and `#` comment lines are skipped.
func GoDoc(text string) ([]string, error) {
	var lines []string
	importPath, name := "", ""
	var body strings.Builder
	flush := func() error {
		if importPath == "" {
			return nil
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), importPath, "package "+name+"\n"+body.String(), parser.SkipObjectResolution)
		if err != nil {
			return fmt.Errorf("go doc text of %s: %w", importPath, err)
		}
		lines = append(lines, declarations(importPath, parsed)...)
		body.Reset()
		return nil
	}
	scanner := bufio.NewScanner(strings.NewReader(text))
	for scanner.Scan() {
		line := scanner.Text()
		if pkgName, pkgPath, ok := packageLine(line); ok {
			if err := flush(); err != nil {
				return nil, err
			}
			importPath, name = pkgPath, pkgName
			continue
		}
		switch {
		case strings.HasPrefix(line, "    "), strings.HasPrefix(line, "#"):
		case line == "TYPES", line == "FUNCTIONS", line == "CONSTANTS", line == "VARIABLES":
		default:
			body.WriteString(line + "\n")
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return sorted(lines), scanner.Err()
}

// packageLine reads `package bridge // import "github.com/astercloud/aster/pkg/tools/bridge"`.
func packageLine(line string) (name, importPath string, ok bool) {
	rest, found := strings.CutPrefix(line, "package ")
	if !found {
		return "", "", false
	}
	name, quoted, found := strings.Cut(rest, ` // import "`)
	if !found {
		return "", "", false
	}
	return name, strings.TrimSuffix(quoted, `"`), true
}

func sorted(lines []string) []string {
	sort.Strings(lines)
	unique := lines[:0]
	for i, line := range lines {
		if i == 0 || line != lines[i-1] {
			unique = append(unique, line)
		}
	}
	return unique
}

func declarations(importPath string, file *ast.File) []string {
	prefix := "pkg " + importPath + ", "
	var lines []string
	for _, decl := range file.Decls {
		switch decl := decl.(type) {
		case *ast.FuncDecl:
			if !decl.Name.IsExported() {
				continue
			}
			signature := decl.Name.Name + funcSignature(decl.Type)
			if decl.Recv == nil {
				lines = append(lines, prefix+"func "+signature)
				continue
			}
			receiver := decl.Recv.List[0].Type
			if !ast.IsExported(receiverName(receiver)) {
				continue
			}
			lines = append(lines, prefix+"method ("+typeString(receiver)+") "+signature)
		case *ast.GenDecl:
			for _, spec := range decl.Specs {
				lines = append(lines, specLines(prefix, decl.Tok, spec)...)
			}
		}
	}
	return lines
}

func receiverName(expr ast.Expr) string {
	if star, ok := expr.(*ast.StarExpr); ok {
		expr = star.X
	}
	if ident, ok := expr.(*ast.Ident); ok {
		return ident.Name
	}
	return ""
}

func specLines(prefix string, tok token.Token, spec ast.Spec) []string {
	var lines []string
	switch spec := spec.(type) {
	case *ast.ValueSpec:
		for i, name := range spec.Names {
			if !name.IsExported() {
				continue
			}
			line := prefix + tok.String() + " " + name.Name
			if spec.Type != nil {
				line += " " + typeString(spec.Type)
			}
			if i < len(spec.Values) {
				line += " = " + exprString(spec.Values[i])
			}
			lines = append(lines, line)
		}
	case *ast.TypeSpec:
		if !spec.Name.IsExported() {
			return nil
		}
		head := prefix + "type " + spec.Name.Name
		switch typ := spec.Type.(type) {
		case *ast.StructType:
			lines = append(lines, head+" struct")
			for _, field := range typ.Fields.List {
				if len(field.Names) == 0 {
					if ast.IsExported(receiverName(field.Type)) || isQualified(field.Type) {
						lines = append(lines, head+" struct, embedded "+typeString(field.Type))
					}
					continue
				}
				for _, name := range field.Names {
					if name.IsExported() {
						lines = append(lines, head+" struct, "+name.Name+" "+typeString(field.Type))
					}
				}
			}
		case *ast.InterfaceType:
			var methods []string
			for _, method := range typ.Methods.List {
				for _, name := range method.Names {
					methods = append(methods, name.Name)
					lines = append(lines, head+" interface, "+name.Name+funcSignature(method.Type.(*ast.FuncType)))
				}
				if len(method.Names) == 0 {
					methods = append(methods, "embedded "+typeString(method.Type))
				}
			}
			sort.Strings(methods)
			lines = append(lines, head+" interface { "+strings.Join(methods, ", ")+" }")
		default:
			lines = append(lines, head+" "+typeString(spec.Type))
		}
	}
	return lines
}

func isQualified(expr ast.Expr) bool {
	if star, ok := expr.(*ast.StarExpr); ok {
		expr = star.X
	}
	_, ok := expr.(*ast.SelectorExpr)
	return ok
}

// funcSignature is "(TYPES) RESULTS" without parameter names.
func funcSignature(fn *ast.FuncType) string {
	signature := "(" + fieldTypes(fn.Params) + ")"
	if fn.Results == nil || len(fn.Results.List) == 0 {
		return signature
	}
	results := fieldTypes(fn.Results)
	if len(fn.Results.List) == 1 && len(fn.Results.List[0].Names) <= 1 {
		return signature + " " + results
	}
	return signature + " (" + results + ")"
}

func fieldTypes(fields *ast.FieldList) string {
	if fields == nil {
		return ""
	}
	var types []string
	for _, field := range fields.List {
		count := max(len(field.Names), 1)
		for range count {
			types = append(types, typeString(field.Type))
		}
	}
	return strings.Join(types, ", ")
}

func typeString(expr ast.Expr) string {
	switch expr := expr.(type) {
	case *ast.Ident:
		return expr.Name
	case *ast.SelectorExpr:
		return typeString(expr.X) + "." + expr.Sel.Name
	case *ast.StarExpr:
		return "*" + typeString(expr.X)
	case *ast.ArrayType:
		if expr.Len == nil {
			return "[]" + typeString(expr.Elt)
		}
		return "[" + exprString(expr.Len) + "]" + typeString(expr.Elt)
	case *ast.MapType:
		return "map[" + typeString(expr.Key) + "]" + typeString(expr.Value)
	case *ast.FuncType:
		return "func" + funcSignature(expr)
	case *ast.Ellipsis:
		return "..." + typeString(expr.Elt)
	case *ast.ChanType:
		switch expr.Dir {
		case ast.SEND:
			return "chan<- " + typeString(expr.Value)
		case ast.RECV:
			return "<-chan " + typeString(expr.Value)
		}
		return "chan " + typeString(expr.Value)
	case *ast.InterfaceType:
		if len(expr.Methods.List) == 0 {
			return "interface{}"
		}
	case *ast.StructType:
		if len(expr.Fields.List) == 0 {
			return "struct{}"
		}
	case *ast.ParenExpr:
		return "(" + typeString(expr.X) + ")"
	}
	return exprString(expr)
}

// exprString prints a constant value or an unusual type as written.
func exprString(expr ast.Expr) string {
	switch expr := expr.(type) {
	case *ast.BasicLit:
		return expr.Value
	case *ast.Ident:
		return expr.Name
	case *ast.SelectorExpr:
		return exprString(expr.X) + "." + expr.Sel.Name
	case *ast.BinaryExpr:
		return exprString(expr.X) + " " + expr.Op.String() + " " + exprString(expr.Y)
	case *ast.UnaryExpr:
		return expr.Op.String() + exprString(expr.X)
	case *ast.ParenExpr:
		return "(" + exprString(expr.X) + ")"
	}
	return fmt.Sprintf("<%T>", expr)
}
