package asterref

import (
	"net"
	"os"
	"syscall"
)

// peerIsMe reports whether the process at the other end of conn runs as this user (SO_PEERCRED).
func peerIsMe(conn *net.UnixConn) bool {
	raw, err := conn.SyscallConn()
	if err != nil {
		return false
	}
	var cred *syscall.Ucred
	var credErr error
	err = raw.Control(func(fd uintptr) {
		cred, credErr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	})
	return err == nil && credErr == nil && int(cred.Uid) == os.Getuid()
}
