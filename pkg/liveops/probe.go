package liveops

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/multi-region-ha/multi-region-ha/pkg/edge/edgecalc"
)

// RegionHeader is the response header in which the application names the region that answered.
// It is the application contract's (edgecalc.RegionHeader): the default application sends it on
// every response (it also reports "region" in its JSON body, which Probe reads when the header is
// absent); a custom application should send one of the two.
const RegionHeader = edgecalc.RegionHeader

// Probe is one request to the viewer name: when, what status, which region answered.
type Probe struct {
	At      time.Time `json:"at"`
	Status  int       `json:"status"` // 0 when no response arrived
	Region  string    `json:"region,omitempty"`
	Error   string    `json:"error,omitempty"`
	Latency string    `json:"latency"`
}

// OK reports whether viewers were served (a 2xx or 3xx answer).
func (p Probe) OK() bool { return p.Status >= 200 && p.Status < 400 }

// ProbeURL GETs url once with timeout and reads the answering region from RegionHeader or the body's
// "region" field. Caches are bypassed (Cache-Control: no-cache) so the answer is the origin's.
func ProbeURL(ctx context.Context, client *http.Client, url string, timeout time.Duration, now func() time.Time) Probe {
	start := now()
	p := Probe{At: start}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		p.Error = err.Error()
		return p
	}
	req.Header.Set("Cache-Control", "no-cache")
	resp, err := client.Do(req)
	p.Latency = now().Sub(start).String()
	if err != nil {
		p.Error = err.Error()
		return p
	}
	defer resp.Body.Close()
	p.Status = resp.StatusCode
	p.Region = resp.Header.Get(RegionHeader)
	if p.Region == "" {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		var where struct {
			Region string `json:"region"`
		}
		if json.Unmarshal(body, &where) == nil {
			p.Region = where.Region
		}
	}
	return p
}
