import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BusPublisher } from '../../src/events/bus-publisher.js';
import { apiEvent, stateEvent } from '../../src/events/documents.js';
import { tempDir } from '../support/paths.js';
import { probeUntil } from './bus-probe.js';

// The subscriber script of seed 003 ("Subscriber Script Example"), verbatim but for the address.
const SEED_SUBSCRIBER = `#!/usr/bin/ruby

require 'ffi-rzmq'
require 'base64'

@context    = ZMQ::Context.new(1)
@subscriber = @context.socket(ZMQ::SUB)

@subscriber.setsockopt(ZMQ::SUBSCRIBE, "EVENT")
@subscriber.connect("tcp://localhost:2101")

key = ''
content = ''

loop do
    @subscriber.recv_string(key)
    @subscriber.recv_string(content)

    puts "Key: #{key}\\nContent: #{Base64.decode64(content)}"
    puts "\\n===================================================================\\n"
end
`;

const rubyReady = spawnSync('ruby', ['-e', "require 'ffi-rzmq'"], { stdio: 'ignore' }).status === 0;

test('the Ruby subscriber from OpenNebula\'s documentation prints Hookline\'s events unchanged', { skip: rubyReady ? false : 'needs ruby with ffi-rzmq (Debian packages: ruby, ruby-ffi-rzmq)' }, async () => {
  const pub = await BusPublisher.open({ bind: 'tcp://127.0.0.1:0' });
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'subscriber.rb'), SEED_SUBSCRIBER.replace('tcp://localhost:2101', pub.endpoint));
  // Only so that puts reaches the pipe at once; the script itself is untouched.
  fs.writeFileSync(path.join(dir, 'sync.rb'), '$stdout.sync = true\n');
  const ruby = spawn('ruby', ['-r', './sync.rb', 'subscriber.rb'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  ruby.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  try {
    const probe = apiEvent('hookline.probe', [], null, true);
    await probeUntil(() => pub.publish(probe), () => out.includes('Key: EVENT API hookline.probe 1'));
    const api = apiEvent('one.user.allocate', ['s', 'alice', 'pw'], 3, true);
    const state = stateEvent('VM', 0, 'PENDING', 'LCM_INIT');
    await pub.publish(api);
    await pub.publish(state);
    await probeUntil(() => undefined, () => out.includes('Key: EVENT STATE VM/PENDING/LCM_INIT/0 \n'));
    assert.ok(out.includes(`Key: EVENT API one.user.allocate 1\nContent: ${JSON.stringify(api.document)}\n`));
    assert.ok(out.includes(`Key: EVENT VM 0/PENDING/LCM_INIT \nContent: ${JSON.stringify(state.document)}\n`));
    assert.ok(out.includes(`Key: EVENT STATE VM/PENDING/LCM_INIT/0 \nContent: ${JSON.stringify(state.document)}\n`));
  } finally {
    ruby.kill();
    pub.close();
  }
});
