// The MQTT.js code of EMQX's "A Quick Guide to MQTT over WebSocket", as the guide writes it. The
// lines marked ★ differ: where MQTT.js and the broker come from, a console that also writes into
// this page, and the publish and unsubscribe snippets as functions for the page's buttons.
/* eslint-disable @typescript-eslint/no-unused-vars -- the guide's code as written: its message handler names `packet` */
import mqtt from 'mqtt' // ★ the guide: <script src="https://unpkg.com/mqtt/dist/mqtt.min.js"></script>
import { brokerUrl, console } from './page.ts' // ★ this page's broker (or ?url=); console.log also shows below

const clientId = 'mqttjs_' + Math.random().toString(16).substr(2, 8)
const host = brokerUrl // ★ the guide: 'ws://broker.emqx.io:8083/mqtt'
const options = {
  keepalive: 60,
  clientId: clientId,
  protocolId: 'MQTT',
  protocolVersion: 4,
  clean: true,
  reconnectPeriod: 1000,
  connectTimeout: 30 * 1000,
  will: {
    topic: 'WillMsg',
    payload: 'Connection Closed abnormally..!',
    qos: 0,
    retain: false
  },
}
console.log('Connecting mqtt client')
const client = mqtt.connect(host, options)
client.on('error', (err) => {
  console.log('Connection error: ', err)
  client.end()
})
client.on('reconnect', () => {
  console.log('Reconnecting...')
})

client.on('connect', () => {
  console.log(`Client connected: ${clientId}`)
  // Subscribe
  client.subscribe('testtopic', { qos: 0 })
})
// Unsubscribe
export const unsubscribe = () => // ★
client.unsubscribe('testtopic', () => { // ★ the guide: client.unubscribe
  console.log('Unsubscribed');
})

// Publish
export const publish = () => // ★
client.publish('testtopic', 'ws connection demo...!', { qos: 0, retain: false })
// Receive
client.on('message', (topic, message, packet) => {
  console.log(`Received Message: ${message.toString()} On topic: ${topic}`)
})
publish() // ★ the guide publishes once, here
