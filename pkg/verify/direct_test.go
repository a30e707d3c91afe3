package verify

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type dialer = func(ctx context.Context) (net.Conn, error)

func failWith(errno syscall.Errno) dialer {
	return func(context.Context) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", errno)}
	}
}

// hang is a security group that drops the SYN: nothing comes back until the caller gives up.
func hang(ctx context.Context) (net.Conn, error) {
	<-ctx.Done()
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: ctx.Err()}
}

// silent is a listener that accepts every connection and never says a word: a security group that
// admits the prober, in front of a target that hangs.
func silent(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// resetting accepts every connection and aborts it at once (RST, SO_LINGER 0).
func resetting(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond) // let the client's hello arrive: the reset answers it
			_ = c.(*net.TCPConn).SetLinger(0)
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().String()
}

// The direct check passes only on what a closed security group gives (timeout, refusal, reset) on
// both listener ports, and fails when the name does not resolve, when anything answers, when TLS
// fails after a connection was accepted, or on any other network error.
func TestDirectAlbPassesOnlyOnAClosedSecurityGroup(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusForbidden) }))
	t.Cleanup(plain.Close)
	const https, http80 = "192.0.2.20:443", "192.0.2.20:80"
	cases := []struct {
		name   string
		alb    string
		open   map[string]dialer
		pass   bool
		detail string
	}{
		{"both ports refused", albWest, nil, true, "connection refused"},
		{"both ports time out", albWest, map[string]dialer{https: hang, http80: hang}, true, "timed out"},
		{"reset on 443, refused on 80", albWest, map[string]dialer{https: failWith(syscall.ECONNRESET)}, true, "connection reset"},
		{"the name does not resolve (a deleted ALB, no DNS)", "alb-gone.us-west-2.elb.amazonaws.com", nil, false, "does not resolve"},
		{"port 80 answers", albWest, map[string]dialer{http80: dialTo(plain.Listener.Addr().String())}, false, "http:80 answered HTTP 403"},
		{"TLS fails after the connection is accepted", albWest, map[string]dialer{https: dialTo(plain.Listener.Addr().String())}, false, "after the TCP connection was accepted"},
		{"443 accepts the connection, then says nothing", albWest, map[string]dialer{https: dialTo(silent(t))}, false, "after the TCP connection was accepted"},
		{"443 accepts the connection, then resets it", albWest, map[string]dialer{https: dialTo(resetting(t))}, false, "after the TCP connection was accepted"},
		{"the operator is offline", albWest, map[string]dialer{https: failWith(syscall.ENETUNREACH), http80: failWith(syscall.ENETUNREACH)}, false, "network is unreachable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := &verifier{o: Options{RequestTimeout: 300 * time.Millisecond}, d: Deps{Direct: closedNet(tc.open)}, report: &Report{}}
			v.checkDirectAlb(context.Background(), "us-west-2", tc.alb)
			require.Len(t, v.report.Checks, 1)
			c := v.report.Checks[0]
			assert.Equal(t, "alb-direct-us-west-2", c.ID)
			assert.Equal(t, map[bool]string{true: Pass, false: Fail}[tc.pass], c.Status, c.Detail)
			assert.Contains(t, c.Detail, tc.detail)
			if tc.pass {
				assert.Contains(t, c.Detail, "https:443")
				assert.Contains(t, c.Detail, "http:80", "both listeners' ports are probed")
			}
		})
	}
}

// The probe goes to the resolved address with the ALB's name as Host and SNI, never through a proxy.
func TestDirectAlbDialsTheResolvedAddressWithoutAProxy(t *testing.T) {
	t.Setenv("HTTPS_PROXY", "http://127.0.0.1:1")
	t.Setenv("HTTP_PROXY", "http://127.0.0.1:1")
	var hosts []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hosts = append(hosts, r.Host) }))
	t.Cleanup(srv.Close)
	var dialed []string
	direct := closedNet(map[string]dialer{"192.0.2.10:80": dialTo(srv.Listener.Addr().String())})
	inner := direct.Dial
	direct.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		dialed = append(dialed, addr)
		return inner(ctx, network, addr)
	}
	v := &verifier{o: Options{RequestTimeout: time.Second}, d: Deps{Direct: direct}, report: &Report{}}
	v.checkDirectAlb(context.Background(), "us-east-1", albEast)
	assert.Equal(t, []string{"192.0.2.10:443", "192.0.2.10:80"}, dialed)
	assert.Equal(t, []string{albEast}, hosts, "the request names the ALB")
	assert.Equal(t, Fail, v.report.Checks[0].Status)
}
