package verify

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"strings"
)

// SecurityHeaders are the response headers the viewer name must carry (CloudFront's managed
// SecurityHeadersPolicy sets them): HSTS, nosniff, frame options and a referrer policy.
var SecurityHeaders = []string{"Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"}

func (v *verifier) client(cfg *tls.Config) *http.Client {
	return &http.Client{
		Timeout: v.o.RequestTimeout,
		Transport: &http.Transport{
			TLSClientConfig:   cfg,
			DisableKeepAlives: true,
			Proxy:             http.ProxyFromEnvironment,
		},
		// A redirect is an answer too; do not follow it.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func (v *verifier) baseTLS() *tls.Config {
	if v.d.TLS != nil {
		return v.d.TLS.Clone()
	}
	return &tls.Config{}
}

// checkViewer: the viewer name answers over HTTPS with TLS 1.2 or later, refuses TLS 1.1, and
// carries the security headers.
func (v *verifier) checkViewer(ctx context.Context, url string) {
	cfg := v.baseTLS()
	cfg.MinVersion = tls.VersionTLS12
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := v.client(cfg).Do(req)
	if err != nil {
		v.add("viewer-https", Fail, fmt.Sprintf("GET %s: %v", url, err))
		v.add("viewer-security-headers", Skip, "no answer to read headers from")
		return
	}
	resp.Body.Close()
	version := "plain HTTP"
	if resp.TLS != nil {
		version = tls.VersionName(resp.TLS.Version)
	}
	if resp.StatusCode >= 500 || resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
		v.add("viewer-https", Fail, fmt.Sprintf("GET %s: HTTP %d over %s", url, resp.StatusCode, version))
	} else {
		old := v.baseTLS()
		old.MinVersion, old.MaxVersion = tls.VersionTLS10, tls.VersionTLS11
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if r2, err := v.client(old).Do(req); err == nil {
			r2.Body.Close()
			v.add("viewer-https", Fail, fmt.Sprintf("%s also answers over %s: the viewer policy must refuse TLS before 1.2", url, tls.VersionName(r2.TLS.Version)))
		} else {
			v.add("viewer-https", Pass, fmt.Sprintf("HTTP %d over %s; TLS 1.1 refused", resp.StatusCode, version))
		}
	}
	var missing []string
	for _, h := range SecurityHeaders {
		if resp.Header.Get(h) == "" {
			missing = append(missing, h)
		}
	}
	switch {
	case len(missing) > 0:
		v.add("viewer-security-headers", Fail, "missing "+strings.Join(missing, ", "))
	case !strings.EqualFold(resp.Header.Get("X-Content-Type-Options"), "nosniff"):
		v.add("viewer-security-headers", Fail, "X-Content-Type-Options is "+resp.Header.Get("X-Content-Type-Options"))
	default:
		v.add("viewer-security-headers", Pass, strings.Join(SecurityHeaders, ", "))
	}
}

func shortErr(err error) string {
	s := err.Error()
	switch {
	case strings.Contains(s, "refused"):
		return "connection refused"
	case strings.Contains(s, "deadline") || strings.Contains(s, "Timeout") || strings.Contains(s, "timeout"):
		return "timed out"
	case strings.Contains(s, "reset"):
		return "connection reset"
	}
	return s
}

// checkRegionProbes: no URL outside Route 53's checkers reaches a region's global-primary path (the
// ALBs admit only CloudFront and the checkers; CloudFront's default behaviour follows the failover
// name), so that path is judged by the health-check-<region>-global-primary checks and primary-path
// is skipped with that reason. What the stack does export, with database.autoFailover on, is a URL
// per region pinned to that region's origin (the detectors' probe behaviour, rewritten to the
// liveness path): each region's application must answer through it, whichever region writes.
func (v *verifier) checkRegionProbes(ctx context.Context, urls map[string]string) {
	v.add("primary-path", Skip, "no URL reaches a region's global-primary path from outside (the ALBs admit only CloudFront and Route 53's checkers, and the per-region probe behaviours are rewritten to the liveness path): see the health-check-<region>-global-primary checks, Route 53's reading of that path")
	if len(urls) == 0 {
		v.add("region-probe", Skip, "the stack exports no regionProbeUrls: the per-region CloudFront probe behaviours exist only with database.autoFailover notify or auto")
		return
	}
	for _, region := range sortedKeys(urls) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, urls[region], nil)
		resp, err := v.client(v.baseTLS()).Do(req)
		if err != nil {
			v.add("region-probe-"+region, Fail, fmt.Sprintf("%s: %s", urls[region], shortErr(err)))
			continue
		}
		resp.Body.Close()
		status := Pass
		if resp.StatusCode < 200 || resp.StatusCode >= 400 {
			status = Fail
		}
		v.add("region-probe-"+region, status, fmt.Sprintf("%s answered HTTP %d through its pinned CloudFront behaviour (must be 2xx/3xx: the application of %s is live)", urls[region], resp.StatusCode, region))
	}
}
