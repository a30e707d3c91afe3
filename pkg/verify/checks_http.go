package verify

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"strings"
	"time"
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

// checkDirectAlb: from the operator's machine an ALB must give nothing (its security groups admit
// only CloudFront's origin-facing ranges and Route 53's health checkers). A refused or timed-out
// connection passes; any HTTP answer fails.
func (v *verifier) checkDirectAlb(ctx context.Context, region, name string) {
	cfg := v.baseTLS()
	// The ALB's certificate names the regional origin, not the ALB's own name: what matters is
	// whether anything answers at all.
	cfg.InsecureSkipVerify = true
	ctx, cancel := context.WithTimeout(ctx, v.o.RequestTimeout)
	defer cancel()
	url := name
	if !strings.Contains(url, "://") {
		url = "https://" + name
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"/", nil)
	start := time.Now()
	resp, err := v.client(cfg).Do(req)
	if err != nil {
		v.add("alb-direct-"+region, Pass, fmt.Sprintf("%s gives nothing after %s (%s)", name, time.Since(start).Round(time.Millisecond), shortErr(err)))
		return
	}
	resp.Body.Close()
	v.add("alb-direct-"+region, Fail, fmt.Sprintf("%s answered HTTP %d directly: its security groups admit more than CloudFront and Route 53's checkers", name, resp.StatusCode))
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

// checkPrimaryPaths: each region's "global primary" path, reached through the region-pinned probe
// URLs the stack exports, answers 200 in exactly one region.
func (v *verifier) checkPrimaryPaths(ctx context.Context, urls map[string]string) {
	if len(urls) == 0 {
		v.add("primary-path", Skip, "the stack exports no regionProbeUrls (a per-region URL of the global-primary path, e.g. a CloudFront behaviour pinned to each region's origin); the ALBs admit only CloudFront and Route 53, so there is no other way in from outside")
		return
	}
	var primaries, answers []string
	for _, region := range sortedKeys(urls) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, urls[region], nil)
		resp, err := v.client(v.baseTLS()).Do(req)
		if err != nil {
			answers = append(answers, region+": "+shortErr(err))
			continue
		}
		resp.Body.Close()
		answers = append(answers, fmt.Sprintf("%s: HTTP %d", region, resp.StatusCode))
		if resp.StatusCode == http.StatusOK {
			primaries = append(primaries, region)
		}
	}
	status := Pass
	if len(primaries) != 1 {
		status = Fail
	}
	v.add("primary-path", status, fmt.Sprintf("%d region(s) report themselves the global primary (%s)", len(primaries), strings.Join(answers, "; ")))
}
