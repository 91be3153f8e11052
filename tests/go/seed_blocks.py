"""The seed page's Go blocks as the troubleshooting page carries them (fixed as C_go.md lists),
keyed by template name: what the Go templates are tested with."""

SEED_BLOCKS = {
    "start_log": """\
// 在 Go 代码中添加日志
if err := server.StartAsync(); err != nil {
    log.Printf("服务器启动失败: %v", err)
}
""",
    "change_port": """\
// 使用不同端口
codeExec.SetBridgeURL("http://localhost:9000")
server := bridge.NewHTTPBridgeServer(toolBridge, "localhost:9000")
""",
    "manual_start": """\
// 确保服务器已启动
server := bridge.NewHTTPBridgeServer(toolBridge, "localhost:8080")
if err := server.StartAsync(); err != nil {
    log.Fatal(err)
}
time.Sleep(200 * time.Millisecond)  // 等待启动
""",
    "runtime_timeout": """\
// 增加超时时间
config := &bridge.RuntimeConfig{
    Timeout: 60 * time.Second,  // 从 30s 增加到 60s
}

runtime := bridge.NewPythonRuntime(config)
""",
    "allowed_callers": """\
// 修改工具配置
toolSchema := provider.ToolSchema{
    Name:        "Read",
    Description: "Read a UTF-8 text file inside the workspace",
    InputSchema: map[string]any{
        "type":       "object",
        "properties": map[string]any{"path": map[string]any{"type": "string"}},
        "required":   []string{"path"},
    },
    // 添加 code_execution 权限
    AllowedCallers: []string{"direct", "code_execution_20250825"},
}
""",
    "tool_latency": """\
// 添加性能日志
start := time.Now()
result, _ := tool.Execute(ctx, input, tc)
latency := time.Since(start)
log.Printf("Tool %s latency: %v", name, latency)
""",
    "bridge_url": """\
// 使用本地桥接服务器
codeExec.SetBridgeURL("http://localhost:8080")  // ✅
// 而不是
codeExec.SetBridgeURL("http://remote-server:8080")  // ❌
""",
    "memstats": """\
import (
    "log"
    "runtime"
)

// 打印内存统计
func logMemStats() {
    var m runtime.MemStats
    runtime.ReadMemStats(&m)
    log.Printf("Alloc = %v MB, TotalAlloc = %v MB, Sys = %v MB",
        m.Alloc/1024/1024, m.TotalAlloc/1024/1024, m.Sys/1024/1024)
}
""",
    "verbose_log": """\
import "log"

func main() {
    // 设置日志格式
    log.SetFlags(log.LstdFlags | log.Lshortfile)

    // 会输出:
    // 2025/01/30 10:30:45 http_server.go:179: HTTP Bridge Server listening on localhost:8080
    // 2025/01/30 10:30:46 tool_bridge.go:45: Calling tool Read with input map[path:test.txt]
}
""",
    "wrapped_code": """\
// 在 runtime.go 中临时修改
func (r *PythonRuntime) Execute(ctx context.Context, code string, input map[string]any) (*ExecutionResult, error) {
    wrappedCode := r.wrapCode(code, input)

    // 打印生成的代码
    log.Printf("=== Generated Python Code ===\\n%s\\n", wrappedCode)

    return r.run(ctx, wrappedCode) // 继续执行
}
""",
    "pprof": """\
import _ "net/http/pprof"

func main() {
    // 启动 pprof 服务器
    go func() {
        log.Println(http.ListenAndServe("localhost:6060", nil))
    }()

    // ... 正常逻辑
}
""",
    "health_monitor": """\
// 添加健康检查端点监控
go func() {
    ticker := time.NewTicker(30 * time.Second)
    for range ticker.C {
        resp, err := http.Get("http://localhost:8080/health")
        if err != nil || resp.StatusCode != 200 {
            log.Printf("⚠️  Bridge server unhealthy")
            // 发送告警
        }
        if resp != nil {
            resp.Body.Close()
        }
    }
}()
""",
    "error_handling": """\
// 生产环境应该捕获所有错误
result, err := tool.Execute(ctx, input, tc)
if err != nil {
    // 记录详细错误
    log.Printf("Tool execution failed: %v, input: %+v", err, input)

    // 返回友好错误
    return map[string]any{
        "success": false,
        "error":   "Internal server error",
    }, nil
}
""",
    "concurrency_limit": """\
// 限制并发执行数
var sem = make(chan struct{}, 10)  // 最多10个并发

func executeWithLimit(ctx context.Context, code string) error {
    select {
    case sem <- struct{}{}:
        defer func() { <-sem }()
        // 执行代码
    case <-ctx.Done():
        return ctx.Err()
    }
    return nil
}
""",
}
