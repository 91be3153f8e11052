package apilist

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// go test ./internal/apilist -update rewrites go/api/upstream-api.txt from upstream.txt and
// go/api/mirror.txt from the mirror's source; review the diff (TestMirrorIsUpstream still guards it).
var update = flag.Bool("update", false, "rewrite go/api/upstream-api.txt and go/api/mirror.txt")

const (
	modulePath = "github.com/astercloud/aster"
	moduleDir  = "../.."
)

var (
	upstreamListing = filepath.Join(moduleDir, "api", "upstream.txt")
	upstreamAPI     = filepath.Join(moduleDir, "api", "upstream-api.txt")
	mirrorAPI       = filepath.Join(moduleDir, "api", "mirror.txt")
)

const upstreamHeader = `# Upstream Aster's exported API, one declaration per line (Go api/*.txt style),
# generated from upstream.txt (go doc at the pinned commit) by: go test ./internal/apilist -update
`

const mirrorHeader = `# The Go mirror's exported API, one declaration per line (Go api/*.txt style).
# The mirror exports exactly these, and each is a line of upstream-api.txt
# (go test ./internal/apilist checks both; -update rewrites this file from the source).
`

func readAPI(t *testing.T, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, line := range strings.Split(string(data), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			lines = append(lines, line)
		}
	}
	return lines
}

func writeAPI(t *testing.T, file, header string, lines []string) {
	t.Helper()
	if err := os.WriteFile(file, []byte(header+strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// diff reports lines only in want and only in got.
func diff(want, got []string) (missing, extra []string) {
	for _, line := range want {
		if !slices.Contains(got, line) {
			missing = append(missing, line)
		}
	}
	for _, line := range got {
		if !slices.Contains(want, line) {
			extra = append(extra, line)
		}
	}
	return missing, extra
}

func upstreamLines(t *testing.T) []string {
	t.Helper()
	text, err := os.ReadFile(upstreamListing)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := GoDoc(string(text))
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

func TestUpstreamAPIFileIsCurrent(t *testing.T) {
	lines := upstreamLines(t)
	if *update {
		writeAPI(t, upstreamAPI, upstreamHeader, lines)
	}
	if missing, extra := diff(lines, readAPI(t, upstreamAPI)); missing != nil || extra != nil {
		t.Fatalf("%s is not what upstream.txt lists (run go test ./internal/apilist -update)\nmissing:\n%s\nextra:\n%s",
			upstreamAPI, strings.Join(missing, "\n"), strings.Join(extra, "\n"))
	}
}

func TestMirrorExportsExactlyTheAPIFile(t *testing.T) {
	exported, err := Source(moduleDir, modulePath)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		writeAPI(t, mirrorAPI, mirrorHeader, exported)
	}
	if missing, extra := diff(readAPI(t, mirrorAPI), exported); missing != nil || extra != nil {
		t.Fatalf("the mirror's exports differ from %s\nlisted but not exported:\n%s\nexported but not listed:\n%s",
			mirrorAPI, strings.Join(missing, "\n"), strings.Join(extra, "\n"))
	}
}

func TestMirrorIsUpstream(t *testing.T) {
	upstream := upstreamLines(t)
	var wrong []string
	for _, line := range readAPI(t, mirrorAPI) {
		if slices.Contains(upstream, line) {
			continue
		}
		wrong = append(wrong, line)
		if similar := sameName(upstream, line); similar != nil {
			wrong = append(wrong, "    upstream has: "+strings.Join(similar, "\n    upstream has: "))
		} else {
			wrong = append(wrong, "    upstream has no such name")
		}
	}
	if wrong != nil {
		t.Fatalf("%s declares what upstream Aster does not:\n%s", mirrorAPI, strings.Join(wrong, "\n"))
	}
}

// sameName returns the upstream lines that declare the same name as line, differently.
func sameName(upstream []string, line string) []string {
	key := declaredName(line)
	var similar []string
	for _, candidate := range upstream {
		if declaredName(candidate) == key {
			similar = append(similar, candidate)
		}
	}
	return similar
}

// declaredName is a line up to the end of the declared name: "pkg P, func NewX",
// "pkg P, method (*T) M", "pkg P, type T struct, F", "pkg P, type T".
func declaredName(line string) string {
	head, rest, _ := strings.Cut(line, ", ")
	head += ", "
	if method, ok := strings.CutPrefix(rest, "method ("); ok {
		receiver, signature, _ := strings.Cut(method, ") ")
		name, _, _ := strings.Cut(signature, "(")
		return head + "method (" + receiver + ") " + name
	}
	kind, declaration, _ := strings.Cut(rest, " ")
	name, member, isMember := strings.Cut(declaration, ", ")
	name, _, _ = strings.Cut(strings.ReplaceAll(name, "(", " "), " ")
	if kind == "type" && isMember {
		memberName, _, _ := strings.Cut(strings.ReplaceAll(member, "(", " "), " ")
		return head + "type " + name + ", " + memberName
	}
	return head + kind + " " + name
}

func TestGoDocAndSourceGiveTheSameLines(t *testing.T) {
	goDoc := `package demo // import "example.com/demo"

CONSTANTS

const (
	A Kind = "a"
)
TYPES

type Kind string
    Kind is a kind.

type Box struct {
	Name  string ` + "`json:\"name\"`" + `
	Items []*Item
	// Has unexported fields.
}
    Box holds items.

func NewBox(name string, limit int, opts ...Option) (*Box, error)

func (b *Box) Add(ctx context.Context, item *Item) error

type Doer interface {
	Do(ctx context.Context, input map[string]any) (any, error)
	Name() string
}

type Factory func(config map[string]any) (Doer, error)
`
	source := `package demo

import "context"

type Kind string

const A Kind = "a"

type Box struct {
	Name  string ` + "`json:\"name\"`" + `
	Items []*Item
	count int
}

func NewBox(name string, limit int, opts ...Option) (*Box, error) { return nil, nil }

func (b *Box) Add(ctx context.Context, item *Item) error { return nil }

func (b *Box) grow() {}

type Doer interface {
	Name() string
	Do(ctx context.Context, input map[string]any) (any, error)
}

type Factory func(config map[string]any) (Doer, error)

type hidden struct{ Exported int }
`
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "demo"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "demo", "demo.go"), []byte(source), 0o644); err != nil {
		t.Fatal(err)
	}
	fromDoc, err := GoDoc(goDoc)
	if err != nil {
		t.Fatal(err)
	}
	fromSource, err := Source(dir, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`pkg example.com/demo, const A Kind = "a"`,
		"pkg example.com/demo, func NewBox(string, int, ...Option) (*Box, error)",
		"pkg example.com/demo, method (*Box) Add(context.Context, *Item) error",
		"pkg example.com/demo, type Box struct",
		"pkg example.com/demo, type Box struct, Items []*Item",
		"pkg example.com/demo, type Box struct, Name string",
		"pkg example.com/demo, type Doer interface { Do, Name }",
		"pkg example.com/demo, type Doer interface, Do(context.Context, map[string]any) (any, error)",
		"pkg example.com/demo, type Doer interface, Name() string",
		"pkg example.com/demo, type Factory func(map[string]any) (Doer, error)",
		"pkg example.com/demo, type Kind string",
	}
	if !slices.Equal(fromDoc, want) {
		t.Errorf("from go doc:\n%s\nwant:\n%s", strings.Join(fromDoc, "\n"), strings.Join(want, "\n"))
	}
	if !slices.Equal(fromSource, want) {
		t.Errorf("from source:\n%s\nwant:\n%s", strings.Join(fromSource, "\n"), strings.Join(want, "\n"))
	}
}

func TestDeclaredName(t *testing.T) {
	for line, want := range map[string]string{
		"pkg p, func NewX(string) *X":                 "pkg p, func NewX",
		"pkg p, method (*T) M(context.Context) error": "pkg p, method (*T) M",
		"pkg p, type T struct, F []string":            "pkg p, type T, F",
		"pkg p, type T struct":                        "pkg p, type T",
		"pkg p, type T interface, M() string":         "pkg p, type T, M",
		`pkg p, const A Kind = "a"`:                   "pkg p, const A",
	} {
		if got := declaredName(line); got != want {
			t.Errorf("declaredName(%q) = %q, want %q", line, got, want)
		}
	}
}
