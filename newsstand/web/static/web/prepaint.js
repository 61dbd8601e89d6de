try{var d=document.documentElement,t=localStorage.getItem("theme"),s=localStorage.getItem("text-size");if(t)d.dataset.theme=t;if(s)d.dataset.textSize=s}catch(e){}
