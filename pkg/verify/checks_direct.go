package verify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// DirectNet is what the direct-ALB check uses to reach an ALB; tests replace each part.
type DirectNet struct {
	// Resolve returns the addresses of host (default: the system resolver).
	Resolve func(ctx context.Context, host string) ([]string, error)
	// Dial opens a TCP connection (default: net.Dialer).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// HTTPSPort and HTTPPort are the listener ports probed (default 443 and 80).
	HTTPSPort, HTTPPort int
}

func (d DirectNet) resolve(ctx context.Context, host string) ([]string, error) {
	if ip := net.ParseIP(host); ip != nil {
		return []string{host}, nil
	}
	if d.Resolve != nil {
		return d.Resolve(ctx, host)
	}
	return net.DefaultResolver.LookupHost(ctx, host)
}

func (d DirectNet) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if d.Dial != nil {
		return d.Dial(ctx, network, addr)
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, addr)
}

func (d DirectNet) ports() (https, http int) {
	https, http = 443, 80
	if d.HTTPSPort != 0 {
		https = d.HTTPSPort
	}
	if d.HTTPPort != 0 {
		http = d.HTTPPort
	}
	return https, http
}

// checkDirectAlb: from the operator's machine an ALB must give nothing (its security groups admit
// only CloudFront's origin-facing ranges and Route 53's health checkers). The name must resolve first:
// a name that does not (a deleted ALB, no DNS, the operator offline) proves nothing and fails. Then
// both listeners' ports (HTTPS 443 and HTTP 80) are probed; each passes only when the connection
// times out, is refused or is reset. Any HTTP answer, a TLS error (something accepted the
// connection) or any other network error fails.
func (v *verifier) checkDirectAlb(ctx context.Context, region, name string) {
	id := "alb-direct-" + region
	host := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(name, "https://"), "http://"), "/")
	rctx, cancel := context.WithTimeout(ctx, v.o.RequestTimeout)
	addrs, err := v.d.Direct.resolve(rctx, host)
	cancel()
	if err != nil || len(addrs) == 0 {
		if err == nil {
			err = errors.New("no addresses")
		}
		v.add(id, Fail, fmt.Sprintf("%s does not resolve (%v): a deleted ALB, or no DNS from here; the direct check proves nothing", host, err))
		return
	}
	httpsPort, httpPort := v.d.Direct.ports()
	var details []string
	status := Pass
	for _, p := range []struct {
		scheme string
		port   int
	}{{"https", httpsPort}, {"http", httpPort}} {
		ok, detail := v.probeDirect(ctx, host, addrs[0], p.scheme, p.port)
		if !ok {
			status = Fail
		}
		details = append(details, detail)
	}
	v.add(id, status, fmt.Sprintf("%s (%s): %s", host, addrs[0], strings.Join(details, "; ")))
}

// probeDirect sends one request to addr:port (Host and SNI the ALB's name) without a proxy and says
// whether the outcome is one a closed security group gives.
func (v *verifier) probeDirect(ctx context.Context, host, addr, scheme string, port int) (bool, string) {
	target := net.JoinHostPort(addr, strconv.Itoa(port))
	cfg := v.baseTLS()
	// The ALB's certificate names the regional origin, not the ALB's own name: what matters is
	// whether anything answers at all.
	cfg.InsecureSkipVerify = true
	cfg.ServerName = host
	var connected atomic.Bool
	client := &http.Client{
		Timeout: v.o.RequestTimeout,
		Transport: &http.Transport{
			TLSClientConfig:   cfg,
			DisableKeepAlives: true,
			Proxy:             nil, // direct means direct: a proxy's answer would say nothing of the ALB
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				c, err := v.d.Direct.dial(ctx, network, target)
				connected.Store(err == nil)
				return c, err
			},
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, scheme+"://"+target+"/", nil)
	req.Host = host
	start := time.Now()
	resp, err := client.Do(req)
	took := time.Since(start).Round(time.Millisecond)
	if err == nil {
		resp.Body.Close()
		return false, fmt.Sprintf("%s:%d answered HTTP %d: its security groups admit more than CloudFront and Route 53's checkers", scheme, port, resp.StatusCode)
	}
	// A closed security group never completes the handshake: a timeout or reset after the TCP
	// connection was accepted is an open port in front of a slow or broken target, not a closed one.
	if why, closed := closedOutcome(err); closed && !connected.Load() {
		return true, fmt.Sprintf("%s:%d gives nothing (%s after %s)", scheme, port, why, took)
	}
	accepted := ""
	if connected.Load() {
		accepted = ", after the TCP connection was accepted"
	}
	return false, fmt.Sprintf("%s:%d failed with %v%s: only a timeout, a refusal or a reset shows a closed security group", scheme, port, err, accepted)
}

// closedOutcome says whether err is what a security group that admits nobody gives: a timeout, a
// refused or a reset connection.
func closedOutcome(err error) (string, bool) {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused", true
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset", true
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return "timed out", true
	case errors.As(err, &ne) && ne.Timeout():
		return "timed out", true
	}
	return "", false
}
