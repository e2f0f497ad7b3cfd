package ssh

import (
	"reflect"
	"testing"
	"time"

	"sshbox/configfmt"
	"sshbox/sshcore/mux"
)

func TestPersistTime(t *testing.T) {
	for in, want := range map[string]time.Duration{"no": 0, "0": 0, "yes": -1, "600": 10 * time.Minute} {
		if got := persistTime(&configfmt.ClientOptions{ControlPersist: in}); got != want {
			t.Errorf("ControlPersist %q: %v, want %v", in, got, want)
		}
	}
}

func TestMuxForwards(t *testing.T) {
	o := &configfmt.ClientOptions{
		LocalForward:   []string{"8080 localhost:80", "[::1]:1 [fe80::1]:2"},
		RemoteForward:  []string{"0 127.0.0.1:22"},
		DynamicForward: []string{"*:1080"},
	}
	got, err := muxForwards(o)
	if err != nil {
		t.Fatal(err)
	}
	want := []mux.Forward{
		{Kind: mux.FwdLocal, ListenPort: 8080, ConnectHost: "localhost", ConnectPort: 80},
		{Kind: mux.FwdLocal, ListenHost: "::1", ListenPort: 1, ConnectHost: "fe80::1", ConnectPort: 2},
		{Kind: mux.FwdRemote, ListenPort: 0, ConnectHost: "127.0.0.1", ConnectPort: 22},
		{Kind: mux.FwdDynamic, ListenHost: "*", ListenPort: 1080},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	o.ClearAllForwardings = true
	if got, _ := muxForwards(o); got != nil {
		t.Errorf("ClearAllForwardings: %+v", got)
	}
	if _, err := muxForwards(&configfmt.ClientOptions{LocalForward: []string{"nope"}}); err == nil {
		t.Error("a bad specification was accepted")
	}
}
